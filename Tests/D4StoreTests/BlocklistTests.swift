import D4Store
import Foundation
import XCTest

final class BlocklistTests: XCTestCase {
    func testBlockListUnblock() async throws {
        let (store, _) = try makeStore()
        try await store.blockIP("198.51.100.23", reason: "sensor 1 asked to block its IPs")
        try await store.blockIP("2001:0DB8::0:1", reason: "v6")
        try await store.blockIP("192.0.2.77/24", reason: "network")
        let entries = try await store.blockedIPs()
        XCTAssertEqual(entries.map(\.ip), ["198.51.100.23", "2001:db8::1", "192.0.2.0/24"])
        XCTAssertEqual(entries.first?.reason, "sensor 1 asked to block its IPs")

        try await store.unblockIP("2001:db8:0::1")
        try await store.unblockIP("192.0.2.0/24")
        let remaining = try await store.blockedIPs()
        XCTAssertEqual(remaining.map(\.ip), ["198.51.100.23"])
        let error = await assertThrowsStoreError(.ipNotBlocked("203.0.113.5")) { try await store.unblockIP("203.0.113.5") }
        XCTAssertEqual(error?.description, "203.0.113.5 is not on the blocklist")
    }

    func testBlockingTwiceKeepsTheFirstEntry() async throws {
        let (store, _) = try makeStore()
        try await store.blockIP("198.51.100.23", reason: "first")
        let generation = try await store.changeGeneration()
        try await store.blockIP("::ffff:198.51.100.23", reason: "second")
        let entries = try await store.blockedIPs()
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?.reason, "first")
        let unchanged = try await store.changeGeneration()
        XCTAssertEqual(unchanged, generation, "nothing changed, nothing to refresh")
    }

    func testInvalidAddressesRejected() async throws {
        let (store, _) = try makeStore()
        for bad in ["", "300.1.1.1", "1.2.3", "example.org", "192.0.2.1/33", "2001:db8::/129", "1.2.3.4/-1",
                    "1.2.3.4/", "::1/abc", "1.2.3.4 ", "1.2.3.4\u{0}"] {
            let error = await assertThrowsStoreError { try await store.blockIP(bad, reason: "x") }
            XCTAssertTrue(error?.description.contains("is not an IPv4/IPv6 address or CIDR block") ?? false, "\(bad): \(String(describing: error))")
        }
        let entries = try await store.blockedIPs()
        XCTAssertTrue(entries.isEmpty)
    }
}
