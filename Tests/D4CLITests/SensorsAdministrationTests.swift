import D4Store
import Foundation
import XCTest

final class SensorsAdministrationTests: CLITestCase {
    func testApproveChangesStateAndPreRegistersUnknownSensors() async throws {
        let pending = UUID(), unknown = UUID()
        try await store.setSensorState(pending, .pending)

        let out = try d4Succeeds(["sensors", "approve", pending.uuidString]).stdout
        XCTAssertTrue(out.contains("pending → approved"), out)
        let approved = try await store.sensor(pending)
        XCTAssertEqual(approved?.state, .approved)
        XCTAssertTrue(try d4Succeeds(["sensors", "approve", pending.uuidString]).stdout.contains("already approved"))

        let created = try d4Succeeds(["sensors", "approve", unknown.uuidString]).stdout
        XCTAssertTrue(created.contains("was not in the store: created it"), created)
        let createdRecord = try await store.sensor(unknown)
        XCTAssertEqual(createdRecord?.state, .approved)
    }

    func testNonVersion4UUIDsAreNotPreRegistered() async throws {
        let version1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
        let result = try d4(["sensors", "approve", version1])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("d4 sensors approve: error: uuid \(version1) is version 1"), result.stderr)
        let sensors = try await store.sensors()
        XCTAssertTrue(sensors.isEmpty)
    }

    func testRejectBlocksAPendingRegistrationByDefault() async throws {
        let uuid = UUID()
        _ = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: "", contactMail: "")
        let out = try d4Succeeds(["sensors", "reject", uuid.uuidString]).stdout
        XCTAssertTrue(out.contains("rejected"), out)
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.state, .blocked)

        let again = try d4(["sensors", "reject", uuid.uuidString])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("is blocked, not pending"), again.stderr)
    }

    func testRejectWithRemoveDeletesThePendingRecord() async throws {
        let uuid = UUID()
        _ = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: "", contactMail: "")
        try d4Succeeds(["sensors", "reject", "--remove", uuid.uuidString])
        let record = try await store.sensor(uuid)
        XCTAssertNil(record)
        XCTAssertEqual(try d4(["sensors", "reject", uuid.uuidString]).status, 1, "nothing left to reject")
    }

    func testBlockWithIPsThenUnblock() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "198.51.100.4", at: Date())
        try await store.apply(batch)

        let out = try d4Succeeds(["sensors", "block", "--block-ips", uuid.uuidString]).stdout
        XCTAssertTrue(out.contains("approved → blocked"), out)
        var record = try await store.sensor(uuid)
        XCTAssertEqual(record?.state, .blocked)
        XCTAssertEqual(record?.blockSourceIPs, true)

        // The server blocklisted the address the sensor came from.
        try await store.blockIP("198.51.100.0/24", reason: "sensor blocked with its IPs")
        let unblocked = try d4Succeeds(["sensors", "unblock", uuid.uuidString]).stdout
        XCTAssertTrue(unblocked.contains("blocked → approved"), unblocked)
        XCTAssertTrue(unblocked.contains("still on the IP blocklist") && unblocked.contains("198.51.100.4"), unblocked)
        record = try await store.sensor(uuid)
        XCTAssertEqual(record?.state, .approved)
        XCTAssertEqual(record?.blockSourceIPs, false)
        XCTAssertTrue(try d4Succeeds(["sensors", "unblock", uuid.uuidString]).stdout.contains("is not blocked"))
    }

    func testBlockPreRegistersButUnblockNeedsAKnownSensor() async throws {
        let uuid = UUID()
        let out = try d4Succeeds(["sensors", "block", uuid.uuidString]).stdout
        XCTAssertTrue(out.contains("created it"), out)
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.state, .blocked)
        XCTAssertEqual(record?.blockSourceIPs, false)

        let other = UUID()
        let result = try d4(["sensors", "unblock", other.uuidString])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "d4 sensors unblock: error: sensor \(other.uuidString.lowercased()) not found\n")
    }

    func testKickRefusesTheSensorForTheGivenTime() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        let before = Date()
        let out = try d4Succeeds(["sensors", "kick", uuid.uuidString, "--seconds", "120"]).stdout
        let after = Date()
        XCTAssertTrue(out.contains("kicked until"), out)
        let kicked = try await store.sensor(uuid)
        let until = try XCTUnwrap(kicked?.kickedUntil)
        XCTAssertGreaterThanOrEqual(until.timeIntervalSince(before), 119)
        XCTAssertLessThanOrEqual(until.timeIntervalSince(after), 121)

        let defaultKick = try d4Succeeds(["sensors", "kick", uuid.uuidString]).stdout
        XCTAssertTrue(defaultKick.contains("(30 s)"), defaultKick)
        XCTAssertNotEqual(try d4(["sensors", "kick", uuid.uuidString, "--seconds", "0"]).status, 0)

        let unknown = try d4(["sensors", "kick", UUID().uuidString])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("not found"), unknown.stderr)
    }

    func testSetLimitAndBackToDefault() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        try d4Succeeds(["sensors", "set-limit", uuid.uuidString, "--max-backlog", "2500"])
        var record = try await store.sensor(uuid)
        XCTAssertEqual(record?.maxBacklog, 2500)
        try d4Succeeds(["sensors", "set-limit", uuid.uuidString, "--default"])
        record = try await store.sensor(uuid)
        XCTAssertNil(record?.maxBacklog)

        XCTAssertNotEqual(try d4(["sensors", "set-limit", uuid.uuidString, "--max-backlog", "0"]).status, 0)
        XCTAssertNotEqual(try d4(["sensors", "set-limit", uuid.uuidString]).status, 0)

        let unknown = UUID()
        let created = try d4Succeeds(["sensors", "set-limit", unknown.uuidString, "--max-backlog", "7"]).stdout
        XCTAssertTrue(created.contains("created it"), created)
        let createdRecord = try await store.sensor(unknown)
        XCTAssertEqual(createdRecord?.maxBacklog, 7)
        XCTAssertEqual(createdRecord?.state, .pending)
    }

    func testDescribeSetsDescriptionAndMailShownByList() async throws {
        let uuid = UUID()
        let out = try d4Succeeds(["sensors", "describe", uuid.uuidString, "--description", "campus darknet /24", "--mail", "noc@example.org"]).stdout
        XCTAssertTrue(out.contains("created it") && out.contains("campus darknet /24"), out)
        var record = try await store.sensor(uuid)
        XCTAssertEqual(record?.description, "campus darknet /24")
        XCTAssertEqual(record?.contactMail, "noc@example.org")
        try d4Succeeds(["sensors", "describe", uuid.uuidString, "--mail", ""])
        record = try await store.sensor(uuid)
        XCTAssertEqual(record?.description, "campus darknet /24", "an option left out keeps its value")
        XCTAssertEqual(record?.contactMail, "")
        XCTAssertTrue(try d4Succeeds(["sensors", "list"]).stdout.contains("campus darknet /24"))
        XCTAssertTrue(try d4Succeeds(["sensors", "describe", uuid.uuidString, "--mail", ""]).stdout.contains("unchanged"))
        XCTAssertNotEqual(try d4(["sensors", "describe", uuid.uuidString]).status, 0, "nothing to set is a usage error")
    }
}
