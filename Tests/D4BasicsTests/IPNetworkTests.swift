import D4Basics
import XCTest

/// Addresses as operators type them (blocklists, queries) and networks.
final class IPNetworkTests: XCTestCase {
    func testParsingAndCanonicalText() {
        XCTAssertEqual(IPAddress("192.0.2.1")?.unmapped.description, "192.0.2.1")
        XCTAssertEqual(IPAddress("2001:DB8:0:0:0:0:0:1")?.unmapped.description, "2001:db8::1")
        XCTAssertEqual(IPAddress("::ffff:192.0.2.1")?.unmapped.description, "192.0.2.1")
        XCTAssertEqual(IPAddress("::1")?.unmapped.description, "::1")
        XCTAssertEqual(IPAddress("192.0.2.1")?.bytes, [192, 0, 2, 1])
        XCTAssertEqual(IPAddress("::1")?.bytes.count, 16)
        for bad in ["", "1.2.3.256", "1.2.3", "01.2.3.4x", "::g", "1.2.3.4\u{0}", " 1.2.3.4", String(repeating: "1", count: 100)] {
            XCTAssertNil(IPAddress(bad), bad)
        }
    }

    func testNetworks() throws {
        let v4 = try XCTUnwrap(IPNetwork("192.0.2.77/24"))
        XCTAssertEqual(v4.description, "192.0.2.0/24")
        XCTAssertTrue(v4.contains(try XCTUnwrap(IPAddress("192.0.2.255"))))
        XCTAssertFalse(v4.contains(try XCTUnwrap(IPAddress("192.0.3.0"))))
        XCTAssertFalse(v4.contains(try XCTUnwrap(IPAddress("2001:db8::1"))))

        let odd = try XCTUnwrap(IPNetwork("10.255.255.255/9"))
        XCTAssertEqual(odd.description, "10.128.0.0/9")
        XCTAssertTrue(odd.contains(try XCTUnwrap(IPAddress("10.200.0.1"))))
        XCTAssertFalse(odd.contains(try XCTUnwrap(IPAddress("10.127.0.1"))))

        XCTAssertEqual(IPNetwork("0.0.0.0/0")?.contains(try XCTUnwrap(IPAddress("8.8.8.8"))), true)
        XCTAssertEqual(IPNetwork("2001:db8::1/128")?.description, "2001:db8::1")
        XCTAssertEqual(IPNetwork("2001:db8::1/128")?.isSingleAddress, true)
        XCTAssertEqual(IPNetwork("::ffff:10.0.0.0/104")?.description, "10.0.0.0/8")
        XCTAssertEqual(IPNetwork("2001:db8:abcd::/35")?.description, "2001:db8:a000::/35")
        for bad in ["1.2.3.4/33", "1.2.3.4/", "/8", "1.2.3.4/+8", "1.2.3.4/8/8", "::/129", "::ffff:10.0.0.0/95"] {
            XCTAssertNil(IPNetwork(bad), bad)
        }
    }
}
