import D4Basics
import XCTest

final class IPAddressTextTests: XCTestCase {
    func testIPv4Text() {
        XCTAssertEqual(IPAddress.v4(0xC000_0201).description, "192.0.2.1")
        XCTAssertEqual(IPAddress("0.0.0.0"), .v4(0))
        XCTAssertEqual(IPAddress("255.255.255.255"), .v4(.max))
        for bad in ["256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "", "1.2.3.4 ", "01234.1.1.1"] {
            XCTAssertNil(IPAddress(bad), bad)
        }
    }

    func testIPv6CanonicalTextFollowsRFC5952() {
        let cases: [(IPAddress, String)] = [
            (.v6(0x2001_0DB8_0000_0000, 0x0000_0000_0000_0001), "2001:db8::1"),
            (.v6(0x2001_0DB8_0000_0000, 0x0001_0000_0000_0001), "2001:db8::1:0:0:1"),   // longest run wins
            (.v6(0x2001_0DB8_0000_0001, 0x0000_0001_0000_0001), "2001:db8:0:1:0:1:0:1"), // single zeros stay
            (.v6(0x2001_0DB8_0000_0000, 0x0001_0000_0000_0000), "2001:db8:0:0:1::"),    // the longer run, at the end
            (.v6(0x2001_0000_0000_0001, 0x0000_0000_0000_0001), "2001:0:0:1::1"),       // the longer run, second
            (.v6(0x2001_0DB8_0000_0000, 0x0001_0001_0000_0000), "2001:db8::1:1:0:0"),   // tie of 2+2: first
            (.v6(0, 0), "::"),
            (.v6(0, 1), "::1"),
            (.v6(0, 0x0000_FFFF_C000_0201), "::ffff:192.0.2.1"),
            (.v6(0xFE80_0000_0000_0000, 0x0ABC_00FF_FE00_0001), "fe80::abc:ff:fe00:1"),
        ]
        for (address, text) in cases {
            XCTAssertEqual(address.description, text)
            XCTAssertEqual(IPAddress(text), address, text)
        }
        XCTAssertEqual(IPAddress("2001:DB8:0:0:0:0:0:1"), .v6(0x2001_0DB8_0000_0000, 1))
        for bad in ["2001:db8::1::1", "2001:db8:::1", "12345::1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7", "g::1", "::1.2.3"] {
            XCTAssertNil(IPAddress(bad), bad)
        }
    }
}
