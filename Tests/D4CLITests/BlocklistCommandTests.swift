import D4Store
import Foundation
import XCTest

final class BlocklistCommandTests: CLITestCase {
    func testAddListRemoveRoundTrip() async throws {
        let added = try d4Succeeds(["blocklist", "ip", "add", "192.0.2.7", "2001:DB8::1", "--reason", "scanner"]).stdout
        XCTAssertEqual(added, "blocked 192.0.2.7 (reason: scanner)\nblocked 2001:db8::1 (reason: scanner)\n")
        try d4Succeeds(["blocklist", "ip", "add", "198.51.100.9/24"])
        let stored = try await store.blockedIPs()
        XCTAssertEqual(Set(stored.map(\.ip)), ["192.0.2.7", "2001:db8::1", "198.51.100.0/24"])
        XCTAssertEqual(stored.first { $0.ip == "192.0.2.7" }?.reason, "scanner")

        let list = try d4Succeeds(["blocklist", "ip", "list"]).stdout
        XCTAssertTrue(list.hasPrefix("IP"), list)
        for expected in ["192.0.2.7", "2001:db8::1", "198.51.100.0/24", "scanner", "-"] {
            XCTAssertTrue(list.contains(expected), "missing \(expected) in:\n\(list)")
        }
        let json = try d4Succeeds(["blocklist", "ip", "list", "--json"]).stdout
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])?.count, 3, json)

        XCTAssertEqual(try d4Succeeds(["blocklist", "ip", "remove", "192.0.2.7"]).stdout, "unblocked 192.0.2.7\n")
        try d4Succeeds(["blocklist", "ip", "remove", "198.51.100.0/24", "2001:db8:0::1"])
        let remaining = try await store.blockedIPs()
        XCTAssertTrue(remaining.isEmpty)
        XCTAssertEqual(try d4Succeeds(["blocklist", "ip", "list"]).stdout, "the IP blocklist is empty\n")
    }

    func testAddingTwiceKeepsTheFirstReason() async throws {
        try d4Succeeds(["blocklist", "ip", "add", "192.0.2.7", "--reason", "first"])
        let again = try d4Succeeds(["blocklist", "ip", "add", "192.0.2.7", "--reason", "second"]).stdout
        XCTAssertTrue(again.contains("already blocked") && again.contains("first"), again)
        let stored = try await store.blockedIPs()
        XCTAssertEqual(stored.map(\.reason), ["first"])
    }

    func testRemovingAnAddressThatIsNotListedIsAnError() async throws {
        try await store.blockIP("203.0.113.0/24", reason: "")
        let result = try d4(["blocklist", "ip", "remove", "203.0.113.5"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr,
                       "d4 blocklist ip remove: error: 203.0.113.5 is not on the blocklist (it is inside the blocked network 203.0.113.0/24)\n")
    }

    func testBadAddressesAreRefusedBeforeTouchingTheStore() async throws {
        for text in ["999.1.1.1", "192.0.2.0/33", "example.org", "192.0.2.1/"] {
            let result = try d4(["blocklist", "ip", "add", text])
            XCTAssertNotEqual(result.status, 0, text)
            XCTAssertTrue(result.stderr.contains("is not an IPv4/IPv6 address or CIDR network"), result.stderr)
        }
        let stored = try await store.blockedIPs()
        XCTAssertTrue(stored.isEmpty)
    }
}
