import D4Store
import Foundation
import XCTest

/// Keys are opaque bytes: stored and returned exactly, 1…1,024 bytes (defect 7 of the reference).
final class SensorKeyTests: XCTestCase {
    func testKeysWithMarkupCharactersNulAndHighBytesRoundTripExactly() async throws {
        let (store, _) = try makeStore()
        let keys: [Data] = [
            Data("a&b<c>d\"e'f".utf8),
            Data([0x00, 0x41, 0x00, 0xff, 0xfe, 0x0a, 0x0d]),
            Data([0xff]),
            Data("  leading and trailing spaces \n".utf8),
            Data((0..<1_024).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }),
        ]
        for key in keys {
            let uuid = sensorUUID()
            let registered = try await store.registerSensor(uuid: uuid, key: key, description: "d", contactMail: "m@example.org")
            XCTAssertEqual(registered.key, key)
            let loaded = try await store.sensor(uuid)
            XCTAssertEqual(loaded?.key, key, "key of \(key.count) bytes changed on the way")
            let facts = try await store.admissionFacts(for: uuid)
            XCTAssertEqual(facts.key(for: uuid), key)
        }
    }

    func testExactly1024BytesAccepted1025Rejected() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        let limit = Data(repeating: 0x26, count: 1_024)  // "&" × 1,024
        _ = try await store.registerSensor(uuid: uuid, key: limit, description: "", contactMail: "")
        let stored = try await store.sensor(uuid)
        XCTAssertEqual(stored?.key?.count, 1_024)
        XCTAssertEqual(stored?.key, limit)

        let tooLong = Data(repeating: 0x3c, count: 1_025)
        await assertThrowsStoreError(.keyTooLong(bytes: 1_025, limit: 1_024)) {
            _ = try await store.registerSensor(uuid: sensorUUID(), key: tooLong, description: "", contactMail: "")
        }
        await assertThrowsStoreError(.keyTooLong(bytes: 1_025, limit: 1_024)) {
            try await store.setSensorKey(uuid, tooLong)
        }
        let unchanged = try await store.sensor(uuid)
        XCTAssertEqual(unchanged?.key, limit, "a rejected key must not replace the stored one")
    }

    func testEmptyKeyRejected() async throws {
        let (store, _) = try makeStore()
        await assertThrowsStoreError(.keyEmpty) {
            _ = try await store.registerSensor(uuid: sensorUUID(), key: Data(), description: "", contactMail: "")
        }
        await assertThrowsStoreError(.keyEmpty) { try await store.setSensorKey(sensorUUID(), Data()) }
        let all = try await store.sensors()
        XCTAssertTrue(all.isEmpty)
    }

    func testSetKeyAndClearKeyFallsBackToDefault() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        let defaultKey = Data("server default".utf8)
        _ = try await store.updateSettings { $0.defaultKey = defaultKey }
        let own = Data([0xde, 0xad, 0x00, 0xbe, 0xef])
        try await store.setSensorKey(uuid, own)
        var facts = try await store.admissionFacts(for: uuid)
        XCTAssertEqual(facts.key(for: uuid), own)
        try await store.setSensorKey(uuid, nil)
        facts = try await store.admissionFacts(for: uuid)
        XCTAssertEqual(facts.key(for: uuid), defaultKey)
        let record = try await store.sensor(uuid)
        XCTAssertNil(record?.key)
    }

    func testKeyNeverAppearsInDescriptions() async throws {
        let secret = Data("TOPSECRET-key-bytes".utf8)
        let record = SensorRecord(uuid: sensorUUID(), key: secret, state: .approved, description: "lab sensor")
        var dumped = ""
        dump(record, to: &dumped)
        for text in [String(describing: record), String(reflecting: record), "\(record)", dumped] {
            XCTAssertFalse(text.contains("TOPSECRET"), text)
            XCTAssertFalse(text.contains("84, 79, 80"), text)  // "TOP" as byte values
            XCTAssertTrue(text.contains("19 bytes"), text)
        }
        let settings = ServerSettings(defaultKey: secret)
        var dumpedSettings = ""
        dump(settings, to: &dumpedSettings)
        for text in [String(describing: settings), dumpedSettings] {
            XCTAssertFalse(text.contains("TOPSECRET"), text)
            XCTAssertFalse(text.contains(secret.base64EncodedString()), text)
        }
    }

    func testKeyErrorMessageIsActionable() {
        XCTAssertEqual(StoreError.keyTooLong(bytes: 2_000, limit: 1_024).description,
                       "key is 2,000 bytes, over the limit of 1,024")
    }
}
