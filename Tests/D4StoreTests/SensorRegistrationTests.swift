import D4Store
import Foundation
import XCTest

final class SensorRegistrationTests: XCTestCase {
    func testRegistrationCreatesPendingSensorWithTextAsGiven() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        let description = "<b>Lab & \"DMZ\"</b> 'sensor'"
        let mail = "ops+d4@example.org"
        let record = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: description, contactMail: mail)
        XCTAssertEqual(record.uuid, uuid)
        XCTAssertEqual(record.state, .pending)
        XCTAssertEqual(record.description, description, "no escaping")
        XCTAssertEqual(record.contactMail, mail)
        XCTAssertFalse(record.blockSourceIPs)
        XCTAssertNil(record.maxBacklog)
        let listed = try await store.sensors()
        XCTAssertEqual(listed, [record])
    }

    func testPendingSensorMayRegisterAgainApprovedMayNot() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        _ = try await store.registerSensor(uuid: uuid, key: Data("first".utf8), description: "a", contactMail: "")
        let again = try await store.registerSensor(uuid: uuid, key: Data("second".utf8), description: "b", contactMail: "x@y")
        XCTAssertEqual(again.key, Data("second".utf8))
        XCTAssertEqual(again.description, "b")

        try await store.setSensorState(uuid, .approved)
        let error = await assertThrowsStoreError {
            _ = try await store.registerSensor(uuid: uuid, key: Data("attacker".utf8), description: "", contactMail: "")
        }
        XCTAssertTrue(error?.description.contains("already approved") ?? false, error?.description ?? "")
        let kept = try await store.sensor(uuid)
        XCTAssertEqual(kept?.key, Data("second".utf8))
        XCTAssertEqual(kept?.state, .approved)
    }

    func testNonVersion4UUIDRejected() async throws {
        let (store, _) = try makeStore()
        let version1 = try XCTUnwrap(UUID(uuidString: "3c7e9a52-1d2b-11ef-9262-0242ac120002"))
        let error = await assertThrowsStoreError {
            _ = try await store.registerSensor(uuid: version1, key: Data("k".utf8), description: "", contactMail: "")
        }
        XCTAssertEqual(error?.description, "uuid 3c7e9a52-1d2b-11ef-9262-0242ac120002 is version 1; D4 sensors use version-4 UUIDs")
    }

    func testOverlongDescriptionAndMailRejected() async throws {
        let (store, _) = try makeStore()
        let error = await assertThrowsStoreError {
            _ = try await store.registerSensor(uuid: sensorUUID(), key: Data("k".utf8),
                                               description: String(repeating: "x", count: 1_001), contactMail: "")
        }
        XCTAssertEqual(error?.description, "description is 1,001 characters, over the limit of 1,000")
        await assertThrowsStoreError {
            _ = try await store.registerSensor(uuid: sensorUUID(), key: Data("k".utf8), description: "",
                                               contactMail: String(repeating: "m", count: 321))
        }
    }
}
