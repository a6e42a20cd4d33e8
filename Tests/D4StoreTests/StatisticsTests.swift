import D4Store
import Foundation
import XCTest

final class StatisticsTests: XCTestCase {
    func testTwoBatchesAddUp() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var first = StatisticsBatch()
        first.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 3, bytes: 300)
        var second = StatisticsBatch()
        second.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 4, bytes: 1_000)
        second.count(day: Moment.day, sensor: uuid, type: 8, sourceIP: "192.0.2.1", frames: 1, bytes: 10)
        try await store.apply(first)
        try await store.apply(second)

        let counters = try await store.dailyCounters(day: Moment.day, sensor: nil)
        func value(_ key: CounterKey) -> DailyCounter? { counters.first { $0.key == key } }
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid))?.frames, 8)
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid))?.bytes, 1_310)
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid, type: 1))?.frames, 7)
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid, type: 1))?.bytes, 1_300)
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid, type: 8))?.frames, 1)
        XCTAssertEqual(value(CounterKey(day: Moment.day, sensor: uuid, sourceIP: "192.0.2.1"))?.frames, 8)
        XCTAssertEqual(value(CounterKey(day: Moment.day, type: 1))?.bytes, 1_300)
        XCTAssertEqual(value(CounterKey(day: Moment.day, type: 8))?.bytes, 10)
        XCTAssertEqual(counters.count, 6)
    }

    func testConcurrentApplyFromSeveralTasksLosesNothing() async throws {
        let (store, _) = try makeStore()
        let sensors = (0..<5).map { _ in sensorUUID() }
        let tasks = 8
        let batchesPerTask = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for round in 0..<batchesPerTask {
                        var batch = StatisticsBatch()
                        for (index, uuid) in sensors.enumerated() {
                            let moment = Moment.at(Double(task * 100 + round))
                            batch.count(day: Moment.day, sensor: uuid, type: 1 + index % 2,
                                        sourceIP: "198.51.100.\(task)", frames: 2, bytes: 100)
                            batch.observe(sensor: uuid, type: 1 + index % 2, sourceIP: "198.51.100.\(task)", at: moment)
                        }
                        try await store.apply(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        let rounds = Int64(tasks * batchesPerTask)
        for uuid in sensors {
            let counters = try await store.dailyCounters(day: nil, sensor: uuid)
            let total = try XCTUnwrap(counters.first { $0.type == nil && $0.sourceIP == nil })
            XCTAssertEqual(total.frames, 2 * rounds)
            XCTAssertEqual(total.bytes, 100 * rounds)
            let perIP = counters.filter { $0.sourceIP != nil }
            XCTAssertEqual(perIP.count, tasks)
            XCTAssertTrue(perIP.allSatisfy { $0.frames == 2 * Int64(batchesPerTask) })
            let loaded = try await store.sensor(uuid)
            let record = try XCTUnwrap(loaded)
            XCTAssertEqual(record.firstSeen, Moment.at(0))
            XCTAssertEqual(record.lastSeen, Moment.at(Double((tasks - 1) * 100 + batchesPerTask - 1)))
        }
        let perType = try await store.dailyCounters(day: Moment.day, sensor: nil).filter { $0.sensor == nil }
        XCTAssertEqual(perType.map(\.frames).reduce(0, +), 2 * rounds * Int64(sensors.count))
    }

    /// The contract of several nodes on one store: writers with their own connections (store
    /// instances) apply at the same time, and every counter adds up exactly.
    func testConcurrentApplyFromSeveralWritersAddsUpExactly() async throws {
        let (first, fixture) = try makeStore()
        let writers = [first] + (try (1..<4).map { _ in try fixture.open() })
        let sensor = sensorUUID()
        let batchesPerWriter = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, writer) in writers.enumerated() {
                group.addTask {
                    for round in 0..<batchesPerWriter {
                        var batch = StatisticsBatch()
                        batch.count(day: Moment.day, sensor: sensor, type: 1, sourceIP: "192.0.2.\(index)", frames: 3, bytes: 1_000)
                        batch.observe(sensor: sensor, type: 1, sourceIP: "192.0.2.\(index)", at: Moment.at(Double(round)))
                        try await writer.apply(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        let applied = Int64(writers.count * batchesPerWriter)
        let counters = try await first.dailyCounters(day: Moment.day, sensor: sensor)
        let total = try XCTUnwrap(counters.first { $0.type == nil && $0.sourceIP == nil })
        XCTAssertEqual(total.frames, 3 * applied)
        XCTAssertEqual(total.bytes, 1_000 * applied)
        XCTAssertEqual(counters.filter { $0.sourceIP != nil }.map(\.frames), Array(repeating: 3 * Int64(batchesPerWriter), count: writers.count))
        let serverWide = try await first.dailyCounters(day: Moment.day, sensor: nil).first { $0.sensor == nil && $0.type == 1 }
        XCTAssertEqual(serverWide?.bytes, 1_000 * applied)
        let record = try await first.sensor(sensor)
        XCTAssertEqual(record?.firstSeen, Moment.at(0))
        XCTAssertEqual(record?.lastSeen, Moment.at(Double(batchesPerWriter - 1)))
    }

    func testSeenTimesKeepEarliestFirstAndLatestLast() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var late = StatisticsBatch()
        late.observe(sensor: uuid, type: 254, metaType: "ja3-jl", sourceIP: "192.0.2.1", at: Moment.at(100))
        late.observe(sensor: uuid, type: 254, metaType: "ja3-jl", sourceIP: "192.0.2.1", at: Moment.at(200))
        var early = StatisticsBatch()  // applied second, e.g. flushed late by another node
        early.observe(sensor: uuid, type: 254, metaType: "ja3-jl", sourceIP: "192.0.2.1", at: Moment.at(50))
        early.observe(sensor: uuid, type: 2, sourceIP: "192.0.2.1", at: Moment.at(60))
        try await store.apply(late)
        try await store.apply(early)

        let loaded = try await store.sensor(uuid)
        let record = try XCTUnwrap(loaded)
        XCTAssertEqual(record.state, .pending, "first seen in shared-secret mode: pending, not approved")
        XCTAssertEqual(record.firstSeen, Moment.at(50))
        XCTAssertEqual(record.lastSeen, Moment.at(200))
        let types = try await store.typesSeen(by: uuid)
        XCTAssertEqual(types, [
            SensorTypeSeen(type: 2, metaType: nil, firstSeen: Moment.at(60), lastSeen: Moment.at(60)),
            SensorTypeSeen(type: 254, metaType: "ja3-jl", firstSeen: Moment.at(50), lastSeen: Moment.at(200)),
        ])
        let ips = try await store.sourceIPs(of: uuid)
        XCTAssertEqual(ips, [SensorSourceIP(ip: "192.0.2.1", lastSeen: Moment.at(200))])
    }

    func testOnlyTheLast16SourceIPsAreKept() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        let other = sensorUUID()
        // 20 addresses over two batches; address i last seen at second i.
        for range in [0..<12, 12..<20] {
            var batch = StatisticsBatch()
            for index in range {
                batch.observe(sensor: uuid, type: 1, sourceIP: "203.0.113.\(index)", at: Moment.at(Double(index)))
            }
            batch.observe(sensor: other, type: 1, sourceIP: "2001:db8::1", at: Moment.at(0))
            try await store.apply(batch)
        }
        let ips = try await store.sourceIPs(of: uuid)
        XCTAssertEqual(ips.count, 16)
        XCTAssertEqual(ips.map(\.ip), (4..<20).reversed().map { "203.0.113.\($0)" }, "newest first, oldest 4 dropped")
        // An old address seen again becomes newest and pushes out the oldest remaining one.
        var again = StatisticsBatch()
        again.observe(sensor: uuid, type: 1, sourceIP: "203.0.113.0", at: Moment.at(100))
        try await store.apply(again)
        let after = try await store.sourceIPs(of: uuid)
        XCTAssertEqual(after.count, 16)
        XCTAssertEqual(after.first, SensorSourceIP(ip: "203.0.113.0", lastSeen: Moment.at(100)))
        XCTAssertFalse(after.contains { $0.ip == "203.0.113.4" })
        let untouched = try await store.sourceIPs(of: other)
        XCTAssertEqual(untouched, [SensorSourceIP(ip: "2001:db8::1", lastSeen: Moment.at(0))])
    }

    func testAddressesAreStoredCanonical() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "2001:DB8:0:0::0001", at: Moment.at(1))
        batch.observe(sensor: uuid, type: 1, sourceIP: "::ffff:192.0.2.9", at: Moment.at(2))
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.9", at: Moment.at(3))
        batch.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "::ffff:192.0.2.9", frames: 1, bytes: 1)
        batch.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.9", frames: 1, bytes: 1)
        try await store.apply(batch)
        let ips = try await store.sourceIPs(of: uuid)
        XCTAssertEqual(Set(ips.map(\.ip)), ["2001:db8::1", "192.0.2.9"])
        let perIP = try await store.dailyCounters(day: Moment.day, sensor: uuid).filter { $0.sourceIP != nil }
        XCTAssertEqual(perIP, [DailyCounter(day: Moment.day, sensor: uuid, type: nil, sourceIP: "192.0.2.9", frames: 2, bytes: 2)])
    }

    func testInvalidBatchChangesNothing() async throws {
        let (store, _) = try makeStore()
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        batch.count(day: Moment.day, sensor: uuid, type: 1, sourceIP: "192.0.2.1", frames: 1, bytes: 1)
        batch.observe(sensor: uuid, type: 1, sourceIP: "not-an-ip", at: Moment.at(0))
        let badIP = await assertThrowsStoreError { try await store.apply(batch) }
        XCTAssertEqual(badIP?.description, "\"not-an-ip\" is not an IPv4/IPv6 address")

        var badType = StatisticsBatch()
        badType.add(CounterKey(day: Moment.day, type: 256), frames: 1, bytes: 1)
        let typeError = await assertThrowsStoreError { try await store.apply(badType) }
        XCTAssertEqual(typeError?.description, "type 256 is outside 0…255")

        var badDay = StatisticsBatch()
        badDay.add(CounterKey(day: "2025-11-24"), frames: 1, bytes: 1)
        await assertThrowsStoreError { try await store.apply(badDay) }

        let counters = try await store.dailyCounters(day: nil, sensor: nil)
        XCTAssertTrue(counters.isEmpty)
        let sensors = try await store.sensors()
        XCTAssertTrue(sensors.isEmpty)
    }

    func testDailyCounterFilters() async throws {
        let (store, _) = try makeStore()
        let a = sensorUUID()
        let b = sensorUUID()
        var batch = StatisticsBatch()
        batch.count(day: "20251123", sensor: a, type: 1, sourceIP: "192.0.2.1", frames: 1, bytes: 1)
        batch.count(day: "20251124", sensor: a, type: 1, sourceIP: "192.0.2.1", frames: 1, bytes: 1)
        batch.count(day: "20251124", sensor: b, type: 3, sourceIP: "192.0.2.2", frames: 1, bytes: 1)
        try await store.apply(batch)
        let all = try await store.dailyCounters(day: nil, sensor: nil)
        XCTAssertEqual(all.count, 12)
        XCTAssertEqual(all.map(\.day), all.map(\.day).sorted())
        let onlyA = try await store.dailyCounters(day: nil, sensor: a)
        XCTAssertEqual(onlyA.count, 6)
        XCTAssertTrue(onlyA.allSatisfy { $0.sensor == a })
        let aOn24 = try await store.dailyCounters(day: "20251124", sensor: a)
        XCTAssertEqual(aOn24.count, 3)
        let on23 = try await store.dailyCounters(day: "20251123", sensor: nil)
        XCTAssertEqual(on23.count, 4)
        await assertThrowsStoreError { _ = try await store.dailyCounters(day: "yesterday", sensor: nil) }
    }

    func testBatchArithmeticSaturatesAndMerges() {
        let uuid = sensorUUID()
        var batch = StatisticsBatch()
        let key = CounterKey(day: Moment.day, sensor: uuid)
        batch.add(key, frames: .max - 1, bytes: 5)
        batch.add(key, frames: 10, bytes: 5)
        XCTAssertEqual(batch.counters[key]?.frames, .max)
        XCTAssertEqual(batch.counters[key]?.bytes, 10)

        var other = StatisticsBatch()
        other.add(key, frames: 1, bytes: 1)
        other.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(5))
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.1", at: Moment.at(9))
        batch.merge(other)
        XCTAssertEqual(batch.counters[key]?.bytes, 11)
        XCTAssertEqual(batch.sensorsSeen[uuid]?.firstSeen, Moment.at(5))
        XCTAssertEqual(batch.sensorsSeen[uuid]?.lastSeen, Moment.at(9))
        XCTAssertEqual(batch.sensorsSeen[uuid]?.sourceIPs["192.0.2.1"], Moment.at(9))
        XCTAssertEqual(batch.sensorsSeen[uuid]?.types[SensorTypeKey(type: 1)], SeenSpan(first: Moment.at(5), last: Moment.at(9)))
    }

    func testEmptyBatchIsANoOp() async throws {
        let (store, _) = try makeStore()
        let before = try await store.changeGeneration()
        try await store.apply(StatisticsBatch())
        let after = try await store.changeGeneration()
        XCTAssertEqual(before, after)
        XCTAssertTrue(StatisticsBatch().isEmpty)
    }
}
