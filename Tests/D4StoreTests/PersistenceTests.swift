import D4Store
import Foundation
import XCTest

/// A server restart reopens the same store: everything written before must be there.
final class PersistenceTests: XCTestCase {
    func testEverythingSurvivesReopen() async throws {
        let fixture = try StoreFixture()
        let uuid = sensorUUID()
        let key = Data([0x26, 0x3c, 0x3e, 0x22, 0x27, 0x00, 0xff])
        let queue = QueueDefinition(name: "q1", type: 8, sensors: [uuid], capacity: 3)
        var batch = StatisticsBatch()
        batch.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 5, bytes: 500)
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(0))

        var generation: Int64 = 0
        do {
            let store = try fixture.openWithFastPasswordHashing()
            _ = try await store.updateSettings { $0.mode = .registration; $0.defaultKey = Data("dk".utf8) }
            _ = try await store.registerSensor(uuid: uuid, key: key, description: "desc", contactMail: "m@x")
            try await store.setSensorState(uuid, .approved)
            try await store.blockIP("203.0.113.0/24", reason: "scanners")
            try await store.apply(batch)
            try await store.recordSensorError(uuid, reason: "HMAC mismatch", at: Moment.at(3))
            try await store.addUser(name: "admin", password: "password123", role: "admin")
            try await store.defineQueue(queue)
            generation = try await store.changeGeneration()
            try await store.close()
        }

        let reopened = try fixture.open()
        let settings = try await reopened.settings()
        XCTAssertEqual(settings.mode, .registration)
        XCTAssertEqual(settings.defaultKey, Data("dk".utf8))
        let reloaded = try await reopened.sensor(uuid)
        let sensor = try XCTUnwrap(reloaded)
        XCTAssertEqual(sensor.key, key)
        XCTAssertEqual(sensor.state, .approved)
        XCTAssertEqual(sensor.lastError, "HMAC mismatch")
        XCTAssertEqual(sensor.firstSeen, Moment.at(0))
        let blocked = try await reopened.blockedIPs()
        XCTAssertEqual(blocked.map(\.ip), ["203.0.113.0/24"])
        let counters = try await reopened.dailyCounters(day: Moment.day, sensor: uuid)
        XCTAssertEqual(counters.count, 3)
        let ips = try await reopened.sourceIPs(of: uuid)
        XCTAssertEqual(ips.map(\.ip), ["192.0.2.1"])
        let types = try await reopened.typesSeen(by: uuid)
        XCTAssertEqual(types.map(\.type), [1])
        let verified = try await reopened.verifyPassword(name: "admin", password: "password123")
        XCTAssertTrue(verified)
        let queues = try await reopened.queues()
        XCTAssertEqual(queues, [queue])
        let reopenedGeneration = try await reopened.changeGeneration()
        XCTAssertEqual(reopenedGeneration, generation)
        let failures = try await reopened.admissionFailures(limit: 5)
        XCTAssertEqual(failures.count, 1)

        // Statistics keep adding up across the restart.
        try await reopened.apply(batch)
        let total = try await reopened.dailyCounters(day: Moment.day, sensor: uuid).first { $0.type == nil && $0.sourceIP == nil }
        XCTAssertEqual(total?.frames, 10)
    }
}
