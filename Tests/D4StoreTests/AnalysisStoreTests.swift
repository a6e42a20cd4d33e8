import D4Results
import D4Store
import Foundation
import XCTest

/// Attacks and botnet counts of the live analyzer: upserts while running, closing, queries, reopening.
final class AnalysisStoreTests: XCTestCase {
    static func attack(id: String, victim: String = "203.0.113.10", start: TimeInterval = 0, end: TimeInterval = 120,
                       packets: Int = 600, ongoing: Bool = true, node: String = "") -> AttackRecord {
        AttackRecord(Attack(
            id: id, victim: victim, start: Moment.at(start).timeIntervalSince1970, end: Moment.at(end).timeIntervalSince1970,
            packets: packets, bytes: packets * 40, sensorAddresses: packets / 2, sensorAddressesEstimated: false,
            ipProtocol: "TCP", protocols: ["TCP"],
            ports: [.init(ipProtocol: "TCP", port: 80, service: "http", packets: packets)],
            responses: [.init(kind: "SYN/ACK", packets: packets)], peakPacketsPerSecond: 9, peakMinuteRate: 5.5,
            meanPacketsPerSecond: 5, estimatedPacketsPerSecond: 327_680, estimatedPeakPacketsPerSecond: nil,
            monitoredAddresses: 65_536, monitoredShareSource: "configured", isOngoing: ongoing),
            node: node, updatedAt: Moment.at(end + 1))
    }

    static func hour(_ index: Int, mirai: Int, complete: Bool) -> BotnetCountRecord {
        BotnetCountRecord(BotnetPeriodCount(
            start: Moment.at(Double(index) * 3600).timeIntervalSince1970, period: .hour, miraiSources: mirai,
            miraiPackets: mirai * 3, netisSources: 2, netisPackets: 7, scannerSources: 400, scanPackets: 9000,
            topPorts: [.init(ipProtocol: "TCP", port: 23, service: "telnet", sources: mirai, packets: mirai * 3),
                       .init(ipProtocol: "UDP", port: 53413, service: nil, sources: 2, packets: 7)],
            truncated: false),
            isComplete: complete, updatedAt: Moment.at(Double(index) * 3600 + 60))
    }

    func testAttackIsUpdatedThenClosedAndNeverReopened() async throws {
        let (store, _) = try makeStore()
        try await store.upsertAttacks([Self.attack(id: "a1", end: 60, packets: 300)])
        try await store.upsertAttacks([Self.attack(id: "a1", end: 120, packets: 600)])
        var stored = try await store.attack(id: "a1")
        XCTAssertEqual(stored, Self.attack(id: "a1", end: 120, packets: 600))

        let closed = Self.attack(id: "a1", end: 180, packets: 900, ongoing: false)
        try await store.upsertAttacks([closed])
        // A late ongoing snapshot (e.g. a retried batch) must not reopen the closed attack.
        try await store.upsertAttacks([Self.attack(id: "a1", end: 150, packets: 750)])
        stored = try await store.attack(id: "a1")
        XCTAssertEqual(stored, closed)
        let missing = try await store.attack(id: "nope")
        XCTAssertNil(missing)
    }

    func testAttackQueriesFilterAndOrderNewestFirst() async throws {
        let (store, _) = try makeStore()
        try await store.upsertAttacks([
            Self.attack(id: "old", victim: "192.0.2.1", start: 0, end: 100, ongoing: false),
            Self.attack(id: "mid", victim: "2001:0db8:0000::0001", start: 500, end: 900, ongoing: false),
            Self.attack(id: "new", victim: "192.0.2.1", start: 1000, end: 1300, ongoing: true),
        ])
        let all = try await store.attacks(AttackQuery())
        XCTAssertEqual(all.map(\.id), ["new", "mid", "old"])
        XCTAssertEqual(all[1].victim, "2001:db8::1", "victims are stored canonical")

        let running = try await store.attacks(AttackQuery(ongoing: true))
        XCTAssertEqual(running.map(\.id), ["new"])
        let closed = try await store.attacks(AttackQuery(ongoing: false))
        XCTAssertEqual(closed.map(\.id), ["mid", "old"])
        let byVictim = try await store.attacks(AttackQuery(victim: "2001:db8:0::1"))
        XCTAssertEqual(byVictim.map(\.id), ["mid"])
        // Overlap: ended at or after `since`, started at or before `until`.
        let window = try await store.attacks(AttackQuery(since: Moment.at(100), until: Moment.at(500)))
        XCTAssertEqual(window.map(\.id), ["mid", "old"])
        let limited = try await store.attacks(AttackQuery(limit: 1))
        XCTAssertEqual(limited.map(\.id), ["new"])
    }

    func testBadAttacksAreRefusedWholeBatch() async throws {
        let (store, _) = try makeStore()
        var nan = Self.attack(id: "nan")
        nan.meanPacketsPerSecond = .nan
        await assertThrowsStoreError { try await store.upsertAttacks([Self.attack(id: "good"), nan]) }
        let none = try await store.attacks(AttackQuery())
        XCTAssertEqual(none, [], "nothing of a refused batch is written")

        await assertThrowsStoreError { try await store.upsertAttacks([Self.attack(id: "v", victim: "not-an-ip")]) }
        await assertThrowsStoreError { try await store.upsertAttacks([Self.attack(id: "bad id with spaces")]) }
        await assertThrowsStoreError { try await store.upsertAttacks([Self.attack(id: "e", start: 100, end: 50)]) }
        await assertThrowsStoreError { try await store.upsertAttacks([Self.attack(id: "n", packets: -1)]) }
        await assertThrowsStoreError(.invalidInput("limit 0 is outside 1…10000")) {
            _ = try await store.attacks(AttackQuery(limit: 0))
        }
        await assertThrowsStoreError { _ = try await store.attacks(AttackQuery(victim: "x")) }
    }

    func testCloseOngoingAttacksOfOneNode() async throws {
        let (store, _) = try makeStore()
        try await store.upsertAttacks([Self.attack(id: "mine"), Self.attack(id: "other", node: "node-2"),
                                       Self.attack(id: "done", ongoing: false)])
        let count = try await store.closeOngoingAttacks(node: "", at: Moment.at(5000))
        XCTAssertEqual(count, 1)
        let mine = try await store.attack(id: "mine")
        XCTAssertEqual(mine?.isOngoing, false)
        XCTAssertEqual(mine?.updatedAt, Moment.at(5000))
        let other = try await store.attack(id: "other")
        XCTAssertEqual(other?.isOngoing, true, "another node's running attack stays open")
    }

    func testBotnetCountsReplaceSnapshotsAndQueryByRange() async throws {
        let (store, _) = try makeStore()
        try await store.upsertBotnetCounts([Self.hour(0, mirai: 10, complete: false)])
        try await store.upsertBotnetCounts([Self.hour(0, mirai: 25, complete: true), Self.hour(1, mirai: 4, complete: false)])
        let day = BotnetCountRecord(BotnetPeriodCount(
            start: 1_763_942_400, period: .day, miraiSources: 27, miraiPackets: 87, netisSources: 2, netisPackets: 14,
            scannerSources: 700, scanPackets: 18_000, topPorts: [], truncated: true),
            isComplete: false, updatedAt: Moment.at(3700))
        try await store.upsertBotnetCounts([day])

        let hours = try await store.botnetCounts(period: .hour, since: nil, until: nil)
        XCTAssertEqual(hours, [Self.hour(0, mirai: 25, complete: true), Self.hour(1, mirai: 4, complete: false)])
        let second = try await store.botnetCounts(period: .hour, since: Moment.at(1), until: Moment.at(7200))
        XCTAssertEqual(second.map(\.miraiSources), [4])
        let days = try await store.botnetCounts(period: .day, since: nil, until: nil)
        XCTAssertEqual(days, [day])

        var unaligned = Self.hour(0, mirai: 1, complete: false)
        unaligned.start = Moment.at(30).timeIntervalSince1970
        await assertThrowsStoreError { try await store.upsertBotnetCounts([unaligned]) }
        var negative = Self.hour(2, mirai: 1, complete: false)
        negative.scanPackets = -5
        await assertThrowsStoreError { try await store.upsertBotnetCounts([negative]) }
    }

    func testResultsSurviveReopen() async throws {
        let fixture = try StoreFixture()
        let attack = Self.attack(id: "kept", ongoing: false)
        let hour = Self.hour(3, mirai: 12, complete: true)
        do {
            let store = try fixture.open()
            try await store.upsertAttacks([attack])
            try await store.upsertBotnetCounts([hour])
            try await store.close()
        }
        let reopened = try fixture.open()
        let attacks = try await reopened.attacks(AttackQuery())
        XCTAssertEqual(attacks, [attack])
        let hours = try await reopened.botnetCounts(period: .hour, since: nil, until: nil)
        XCTAssertEqual(hours, [hour])
    }
}
