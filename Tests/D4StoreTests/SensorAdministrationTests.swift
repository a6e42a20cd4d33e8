import D4Store
import Foundation
import XCTest

final class SensorAdministrationTests: XCTestCase {
    func testSettersCreateAPendingRecordForUnknownSensors() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        try await store.setSensorMaxBacklog(uuid, 500)
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.state, .pending)
        XCTAssertEqual(record?.maxBacklog, 500)
        XCTAssertNil(record?.key)
    }

    func testEverySetterChangesOnlyItsField() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        let key = Data("original".utf8)
        _ = try await store.registerSensor(uuid: uuid, key: key, description: "desc", contactMail: "a@b")

        try await store.setSensorState(uuid, .approved)
        try await store.setSensorMaxBacklog(uuid, 42)
        try await store.setBlockSourceIPs(uuid, true)
        try await store.kickSensor(uuid, until: Moment.at(30))
        let afterChanges = try await store.sensor(uuid)
        var record = try XCTUnwrap(afterChanges)
        XCTAssertEqual(record.state, .approved)
        XCTAssertEqual(record.maxBacklog, 42)
        XCTAssertTrue(record.blockSourceIPs)
        XCTAssertEqual(record.kickedUntil, Moment.at(30))
        XCTAssertEqual(record.key, key)
        XCTAssertEqual(record.description, "desc")
        XCTAssertEqual(record.contactMail, "a@b")
        XCTAssertTrue(record.isKicked(at: Moment.at(29)))
        XCTAssertFalse(record.isKicked(at: Moment.at(30)))

        try await store.setSensorMaxBacklog(uuid, nil)
        try await store.setBlockSourceIPs(uuid, false)
        try await store.setSensorState(uuid, .blocked)
        let afterResets = try await store.sensor(uuid)
        record = try XCTUnwrap(afterResets)
        XCTAssertNil(record.maxBacklog)
        XCTAssertEqual(record.effectiveMaxBacklog(default: 10_000), 10_000)
        XCTAssertFalse(record.blockSourceIPs)
        XCTAssertEqual(record.state, .blocked)
    }

    func testInvalidBacklogRejected() async throws {
        let (store, _) = try makeStore()
        let error = await assertThrowsStoreError { try await store.setSensorMaxBacklog(sensorUUID(), 0) }
        XCTAssertEqual(error?.description, "max backlog 0 must be at least 1 frame")
    }

    func testUpsertCreatesAndReplacesAdminFieldsButKeepsStatistics() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(0))
        try await store.apply(batch)

        let replacement = SensorRecord(
            uuid: uuid, key: Data([1, 2, 3]), state: .approved, description: "new", contactMail: "n@m",
            blockSourceIPs: true, maxBacklog: 7, kickedUntil: Moment.at(5), firstSeen: Moment.at(-100),
            lastSeen: Moment.at(-50), lastError: "ignored", lastErrorAt: Moment.at(-1))
        try await store.upsertSensor(replacement)
        let upserted = try await store.sensor(uuid)
        let stored = try XCTUnwrap(upserted)
        XCTAssertEqual(stored.key, Data([1, 2, 3]))
        XCTAssertEqual(stored.state, .approved)
        XCTAssertEqual(stored.description, "new")
        XCTAssertEqual(stored.contactMail, "n@m")
        XCTAssertTrue(stored.blockSourceIPs)
        XCTAssertEqual(stored.maxBacklog, 7)
        XCTAssertEqual(stored.kickedUntil, Moment.at(5))
        XCTAssertEqual(stored.firstSeen, Moment.at(0), "seen times belong to the statistics")
        XCTAssertEqual(stored.lastSeen, Moment.at(0))
        XCTAssertNil(stored.lastError)

        let fresh = SensorRecord(uuid: sensorUUID(), state: .blocked, firstSeen: Moment.at(1), lastSeen: Moment.at(2))
        try await store.upsertSensor(fresh)
        let created = try await store.sensor(fresh.uuid)
        XCTAssertEqual(created, fresh, "a new record is stored whole")
    }

    func testRemoveSensor() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(0))
        try await store.apply(batch)
        try await store.removeSensor(uuid)
        let gone = try await store.sensor(uuid)
        XCTAssertNil(gone)
        let ips = try await store.sourceIPs(of: uuid)
        let types = try await store.typesSeen(by: uuid)
        XCTAssertTrue(ips.isEmpty)
        XCTAssertTrue(types.isEmpty)
        let error = await assertThrowsStoreError(.sensorNotFound(uuid)) { try await store.removeSensor(uuid) }
        XCTAssertEqual(error?.description, "sensor \(uuid.uuidString.lowercased()) not found")
    }

    func testRecordSensorErrorUpdatesKnownSensorAndLogsEveryFailure() async throws {
        let (store, _) = try makeStore()
        let known = sensorUUID()
        let unknown = sensorUUID()
        try await store.setSensorState(known, .approved)
        try await store.recordSensorError(known, reason: "HMAC mismatch", at: Moment.at(10))
        try await store.recordSensorError(unknown, reason: "not approved", at: Moment.at(11))
        try await store.recordAdmissionFailure(sensor: nil, sourceIP: "::FFFF:198.51.100.7", reason: "IP blocklisted", at: Moment.at(12))

        let record = try await store.sensor(known)
        XCTAssertEqual(record?.lastError, "HMAC mismatch")
        XCTAssertEqual(record?.lastErrorAt, Moment.at(10))
        let stillUnknown = try await store.sensor(unknown)
        XCTAssertNil(stillUnknown, "refusals must not create records (random UUIDs would fill the table)")

        let log = try await store.admissionFailures(limit: 10)
        XCTAssertEqual(log, [
            AdmissionFailure(sensor: nil, sourceIP: "198.51.100.7", reason: "IP blocklisted", at: Moment.at(12)),
            AdmissionFailure(sensor: unknown, sourceIP: nil, reason: "not approved", at: Moment.at(11)),
            AdmissionFailure(sensor: known, sourceIP: nil, reason: "HMAC mismatch", at: Moment.at(10)),
        ])
        let newest = try await store.admissionFailures(limit: 1)
        XCTAssertEqual(newest.count, 1)
    }

    func testAdmissionFailureLogIsBounded() async throws {
        let (store, _) = try makeStore()
        let limit = StoreLimits.admissionFailureLog
        for index in 0..<(limit + 5) {
            try await store.recordAdmissionFailure(sensor: nil, sourceIP: nil, reason: "r\(index)", at: Moment.at(Double(index)))
        }
        let log = try await store.admissionFailures(limit: limit * 2)
        XCTAssertEqual(log.count, limit)
        XCTAssertEqual(log.first?.reason, "r\(limit + 4)")
        XCTAssertEqual(log.last?.reason, "r5")
    }

    func testOverlongReasonIsCutVisibly() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        try await store.setSensorState(uuid, .approved)
        try await store.recordSensorError(uuid, reason: String(repeating: "e", count: 5_000), at: Moment.at(0))
        let lastError = try await store.sensor(uuid)?.lastError
        let reason = try XCTUnwrap(lastError)
        XCTAssertEqual(reason.count, 1_001)
        XCTAssertTrue(reason.hasSuffix("…"))
    }
}
