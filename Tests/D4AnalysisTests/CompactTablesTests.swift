@testable import D4Analysis
import PacketCapture
import XCTest

/// The compact tables behind the per-packet path: `IPv4KeySet` (scanner memory, Mirai/Netis sources),
/// `PortScanTallies` (packets and distinct scanners per port) and `BoundedTally` (per-attack ports,
/// protocols and responses).
final class CompactTablesTests: XCTestCase {
    func testIPv4KeySetInsertsContainsAndGrows() {
        var set = IPv4KeySet(minimumCapacity: 4)
        XCTAssertEqual(set.count, 0)
        XCTAssertFalse(set.contains(0))
        XCTAssertTrue(set.insert(0), "0.0.0.0 is a valid address, kept beside the table")
        XCTAssertFalse(set.insert(0))
        XCTAssertTrue(set.contains(0))
        // Enough keys to grow several times, with neighbours and the top of the range.
        let keys: [UInt32] = (1 ... 5000).map { $0 &* 2_654_435_761 } + [1, 2, 3, .max, .max - 1]
        var expected: Set<UInt32> = [0]
        for key in keys { XCTAssertEqual(set.insert(key), expected.insert(key).inserted) }
        XCTAssertEqual(set.count, expected.count)
        for key in expected { XCTAssertTrue(set.contains(key)) }
        XCTAssertFalse(set.contains(4))
        var seen: Set<UInt32> = []
        set.forEach { seen.insert($0) }
        XCTAssertEqual(seen, expected)
        set.removeAll()
        XCTAssertEqual(set.count, 0)
        XCTAssertFalse(set.contains(0))
        XCTAssertFalse(set.contains(.max))
        XCTAssertTrue(set.insert(.max))
    }

    func testAddressSetKeepsIPv4AndIPv6Apart() {
        var set = AddressSet()
        XCTAssertTrue(set.insert(.v4(7)))
        XCTAssertTrue(set.insert(.v6(0, 7)))
        XCTAssertFalse(set.insert(.v4(7)))
        XCTAssertEqual(set.count, 2)
        XCTAssertTrue(set.contains(.v6(0, 7)))
        XCTAssertFalse(set.contains(.v4(8)))
    }

    func testPortScanTalliesCountPacketsAndSourcesPerPort() {
        var tallies = PortScanTallies()
        var reference = DistinctAddressEstimator(precision: PortScanTallies.precision)
        let tcp80 = 80, udp53 = 65_536 + 53
        for i in 0 ..< 300 {
            let hash = DistinctAddressEstimator.hash(.v4(0xC000_0200 + UInt32(i)))
            tallies.add(slot: tcp80, hash: hash)
            tallies.add(slot: tcp80, hash: hash)
            reference.insert(hash: hash)
        }
        tallies.add(slot: udp53, hash: DistinctAddressEstimator.hash(.v4(1)))
        let byslot = Dictionary(uniqueKeysWithValues: tallies.entries.map { ($0.slot, $0) })
        XCTAssertEqual(byslot.count, 2)
        XCTAssertEqual(byslot[tcp80]?.packets, 600)
        XCTAssertEqual(byslot[tcp80].map { UInt64($0.sources) }, reference.estimate, "same registers, same estimate")
        XCTAssertEqual(byslot[udp53]?.packets, 1)
        XCTAssertEqual(byslot[udp53]?.sources, 1, "ports do not share registers")

        // Merging gives the union per port, and new ports.
        var other = PortScanTallies()
        for i in 200 ..< 400 {
            let hash = DistinctAddressEstimator.hash(.v4(0xC000_0200 + UInt32(i)))
            other.add(slot: tcp80, hash: hash)
            reference.insert(hash: hash)
        }
        other.add(slot: 22, hash: DistinctAddressEstimator.hash(.v4(2)))
        tallies.merge(other)
        let merged = Dictionary(uniqueKeysWithValues: tallies.entries.map { ($0.slot, $0) })
        XCTAssertEqual(merged[tcp80]?.packets, 800)
        XCTAssertEqual(merged[tcp80].map { UInt64($0.sources) }, reference.estimate)
        XCTAssertEqual(Double(merged[tcp80]?.sources ?? 0), 400, accuracy: 400 * 0.2)
        XCTAssertEqual(merged[22]?.packets, 1)

        tallies.clear()
        XCTAssertEqual(tallies.tallyCount, 3, "ports keep their tallies")
        XCTAssertTrue(tallies.entries.isEmpty, "ports without packets are not listed")
        tallies.add(slot: udp53, hash: DistinctAddressEstimator.hash(.v4(3)))
        XCTAssertEqual(tallies.entries.map(\.packets), [1])
    }

    func testBoundedTallyMatchesThePlainArrayAlgorithm() {
        // The tally keeps its first entry outside its array; it must order and bound keys exactly as
        // the plain algorithm (one array, transpose with the previous entry) does.
        var random = SystemRandomNumberGenerator()
        for limit in 0 ... 4 {
            for _ in 0 ..< 200 {
                var tally = BoundedTally<UInt8>(limit: limit)
                var entries: [(key: UInt8, count: Int)] = []
                var overflow = 0
                for _ in 0 ..< Int.random(in: 0 ... 40, using: &random) {
                    let key = UInt8.random(in: 0 ... 5, using: &random)
                    let amount = Int.random(in: 1 ... 3, using: &random)
                    tally.add(key, amount)
                    if let i = entries.firstIndex(where: { $0.key == key }) {
                        entries[i].count += amount
                        if i > 0, entries[i].count > entries[i - 1].count { entries.swapAt(i, i - 1) }
                    } else if entries.count < limit {
                        entries.append((key, amount))
                    } else {
                        overflow += amount
                    }
                }
                XCTAssertEqual(tally.keys, entries.map(\.key))
                XCTAssertEqual(tally.counts, entries.map(\.count))
                XCTAssertEqual(tally.overflow, overflow)
                XCTAssertEqual(tally.sorted.map(\.key), entries.sorted { $0.count > $1.count }.map(\.key))
            }
        }
    }
}
