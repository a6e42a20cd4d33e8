import D4Store
import Foundation
import XCTest

/// Ingest caches admission facts and reloads them when the generation moves: it must move on every
/// admin change and stay put under statistics traffic (or the cache would be reloaded constantly).
final class ChangeGenerationTests: XCTestCase {
    func testBumpsOnAdminChangesOnly() async throws {
        let (store, _) = try makeStoreWithFastPasswordHashing()
        let uuid = sensorUUID()
        var generation = try await store.changeGeneration()

        func expectBump(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ change: () async throws -> Void) async throws {
            try await change()
            let now = try await store.changeGeneration()
            XCTAssertGreaterThan(now, generation, "\(what) must bump the generation", file: file, line: line)
            generation = now
        }
        func expectSame(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ change: () async throws -> Void) async throws {
            try await change()
            let now = try await store.changeGeneration()
            XCTAssertEqual(now, generation, "\(what) must not bump the generation", file: file, line: line)
        }

        try await expectBump("settings") { _ = try await store.updateSettings { $0.mode = .registration } }
        try await expectBump("registration") {
            _ = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: "", contactMail: "")
        }
        try await expectBump("state") { try await store.setSensorState(uuid, .approved) }
        try await expectBump("key") { try await store.setSensorKey(uuid, Data("k2".utf8)) }
        try await expectBump("backlog") { try await store.setSensorMaxBacklog(uuid, 9) }
        try await expectBump("block source IPs") { try await store.setBlockSourceIPs(uuid, true) }
        try await expectBump("kick") { try await store.kickSensor(uuid, until: Moment.at(30)) }
        try await expectBump("upsert") { try await store.upsertSensor(SensorRecord(uuid: sensorUUID(), state: .approved)) }
        try await expectBump("block IP") { try await store.blockIP("192.0.2.1", reason: "r") }
        try await expectBump("unblock IP") { try await store.unblockIP("192.0.2.1") }
        try await expectBump("define queue") { try await store.defineQueue(QueueDefinition(name: "q", type: 1, capacity: 1)) }
        try await expectBump("remove queue") { try await store.removeQueue("q") }
        try await expectBump("remove sensor") { try await store.removeSensor(uuid) }

        try await expectSame("statistics") {
            var batch = StatisticsBatch()
            batch.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 1, bytes: 1)
            batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(0))
            try await store.apply(batch)
        }
        try await expectSame("sensor error") { try await store.recordSensorError(uuid, reason: "HMAC", at: Moment.at(1)) }
        try await expectSame("users") { try await store.addUser(name: "u", password: "12345678", role: "user") }
        try await expectSame("unchanged settings") { _ = try await store.updateSettings { $0.mode = .registration } }
        try await expectSame("reads") {
            _ = try await store.admissionFacts()
            _ = try await store.sensors()
            _ = try await store.dailyCounters(day: nil, sensor: nil)
        }
        try await expectSame("rejected change") { _ = try? await store.setSensorKey(uuid, Data()) }
    }
}
