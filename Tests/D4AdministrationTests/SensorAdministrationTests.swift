import D4Administration
import D4Store
import Foundation
import XCTest

/// The sensor use cases, one rule per test, on a real store (no CLI, no sockets).
final class SensorAdministrationTests: XCTestCase {
    func testApprovePendingAndApproveAgainChangesNothing() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        _ = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: "", contactMail: "")
        let change = try await sensors.approve(uuid)
        XCTAssertEqual(change.before?.state, .pending)
        XCTAssertEqual(change.after?.state, .approved)
        XCTAssertTrue(change.changed)
        let again = try await sensors.approve(uuid)
        XCTAssertFalse(again.changed)
        XCTAssertTrue(again.notices.isEmpty)
    }

    func testApprovingABlockedSensorClearsBlockItsIPs() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        _ = try await sensors.block(uuid, blockSourceIPs: true)
        let change = try await sensors.approve(uuid)
        XCTAssertEqual(change.after?.state, .approved)
        XCTAssertEqual(change.after?.blockSourceIPs, false)
    }

    func testSettersPreRegisterVersionFourUUIDsOnlyAndSayWhatIsMissing() async throws {
        let store = try makeStore()
        _ = try await store.updateSettings { $0.mode = .registration }
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        let change = try await sensors.setMaxBacklog(uuid, 7)
        XCTAssertTrue(change.created)
        XCTAssertEqual(change.after?.state, .pending)
        XCTAssertEqual(change.after?.maxBacklog, 7)
        XCTAssertEqual(change.notices, [.preRegistered(uuid, state: .pending), .defaultKeyApplies(uuid), .awaitsApproval(uuid)])

        for action in [{ _ = try await sensors.approve(versionOneUUID) }, { _ = try await sensors.setKey(versionOneUUID, Data("k".utf8)) },
                       { _ = try await sensors.block(versionOneUUID, blockSourceIPs: false) }] {
            let error = await assertThrows(action)
            XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("is version 1"), "\(String(describing: error))")
        }
        let count = try await store.sensors().count
        XCTAssertEqual(count, 1, "no record for the version-1 UUID")
    }

    func testRejectBlocksOrRemovesPendingOnly() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let blocked = sensorUUID(), removed = sensorUUID()
        for uuid in [blocked, removed] {
            _ = try await store.registerSensor(uuid: uuid, key: Data("k".utf8), description: "", contactMail: "")
        }
        let rejected = try await sensors.reject(blocked, remove: false)
        XCTAssertEqual(rejected.after?.state, .blocked)
        let gone = try await sensors.reject(removed, remove: true)
        XCTAssertNil(gone.after)
        let record = try await store.sensor(removed)
        XCTAssertNil(record)
        let error = await assertThrows { _ = try await sensors.reject(blocked, remove: false) }
        XCTAssertEqual(error as? AdministrationError, .notPending(blocked, .blocked))
        let unknown = await assertThrows { _ = try await sensors.reject(sensorUUID(), remove: true) }
        guard case .sensorNotFound? = unknown as? StoreError else { return XCTFail("\(String(describing: unknown))") }
    }

    func testBlockFollowsTheIPFlagExactly() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        let first = try await sensors.block(uuid, blockSourceIPs: true)
        XCTAssertEqual(first.notices, [.preRegistered(uuid, state: .blocked), .sourceIPsBlocklisted(true)])
        XCTAssertEqual(first.after?.blockSourceIPs, true)
        let plain = try await sensors.block(uuid, blockSourceIPs: false)
        XCTAssertTrue(plain.changed, "a plain block after block --block-ips stops blocklisting its IPs")
        XCTAssertEqual(plain.after?.blockSourceIPs, false)
        let again = try await sensors.block(uuid, blockSourceIPs: false)
        XCTAssertFalse(again.changed)
    }

    func testUnblockNamesTheSourceIPsStillOnTheBlocklist() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "198.51.100.4", at: Date())
        batch.observe(sensor: uuid, type: 1, sourceIP: "203.0.113.9", at: Date())
        try await store.apply(batch)
        _ = try await sensors.block(uuid, blockSourceIPs: true)
        try await store.blockIP("198.51.100.0/24", reason: "its IPs")
        let change = try await sensors.unblock(uuid)
        XCTAssertEqual(change.after?.state, .approved)
        XCTAssertEqual(change.notices, [.stillOnBlocklist(["198.51.100.4"])])
        let again = try await sensors.unblock(uuid)
        XCTAssertFalse(again.changed)
    }

    func testKickIsBoundedToAWeek() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        _ = try await sensors.approve(uuid)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let change = try await sensors.kick(uuid, seconds: 120, now: now)
        XCTAssertEqual(change.after?.kickedUntil, now.addingTimeInterval(120))
        for seconds in [0, SensorAdministration.maximumKickSeconds + 1] {
            let error = await assertThrows { _ = try await sensors.kick(uuid, seconds: seconds) }
            XCTAssertEqual(error as? AdministrationError, .kickTooLong(seconds: seconds, limit: SensorAdministration.maximumKickSeconds))
        }
    }

    func testSetKeyAndTheDefaultKeyNotice() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        let set = try await sensors.setKey(uuid, Data("secret".utf8))
        XCTAssertEqual(set.after?.key, Data("secret".utf8))
        XCTAssertEqual(set.notices, [.preRegistered(uuid, state: .pending)], "it has a key: nothing else is missing in shared-secret mode")
        let removed = try await sensors.setKey(uuid, nil)
        XCTAssertNil(removed.after?.key)
        XCTAssertEqual(removed.notices, [.noDefaultKey])
        _ = try await store.updateSettings { $0.defaultKey = Data("server".utf8) }
        let withDefault = try await sensors.setKey(uuid, nil)
        XCTAssertEqual(withDefault.notices, [])
        let empty = await assertThrows { _ = try await sensors.setKey(uuid, Data()) }
        XCTAssertEqual(empty as? StoreError, .keyEmpty)
    }

    func testDescribeKeepsWhatIsNotGiven() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        _ = try await sensors.describe(uuid, description: "darknet /24", contactMail: "noc@example.org")
        let change = try await sensors.describe(uuid, description: "darknet /23", contactMail: nil)
        XCTAssertEqual(change.after?.description, "darknet /23")
        XCTAssertEqual(change.after?.contactMail, "noc@example.org")
        let cleared = try await sensors.describe(uuid, description: nil, contactMail: "")
        XCTAssertEqual(cleared.after?.contactMail, "")
        let long = await assertThrows { _ = try await sensors.describe(uuid, description: String(repeating: "x", count: 1_001), contactMail: nil) }
        XCTAssertNotNil(long as? StoreError)
    }

    func testDetailHasTheWindowOfDailyCounters() async throws {
        let store = try makeStore()
        let sensors = SensorAdministration(store: store)
        let uuid = sensorUUID()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var batch = StatisticsBatch()
        for daysAgo in [0, 3, 9] {
            let day = UTCDay.label(now.addingTimeInterval(-Double(daysAgo) * 86_400))
            batch.count(day: day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 1, bytes: 10)
        }
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: now)
        try await store.apply(batch)
        _ = try await sensors.setMaxBacklog(uuid, 50)
        let week = try await sensors.detail(of: uuid, days: 7, now: now)
        XCTAssertEqual(Set(week.dailyCounters.map(\.day)).count, 2, "today and 3 days ago, not 9 days ago")
        XCTAssertEqual(week.effectiveMaxBacklog, 50)
        XCTAssertFalse(week.usesDefaultMaxBacklog)
        XCTAssertEqual(week.sourceIPs.map(\.ip), ["192.0.2.1"])
        let month = try await sensors.detail(of: uuid, days: 30, now: now)
        XCTAssertEqual(Set(month.dailyCounters.map(\.day)).count, 3)
        let bad = await assertThrows { _ = try await sensors.detail(of: uuid, days: 0) }
        XCTAssertNotNil(bad as? StoreError)
    }
}
