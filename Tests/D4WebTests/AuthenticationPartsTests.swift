import D4Basics
@testable import D4Web
import D4Store
import Foundation
import XCTest

final class AuthenticationPartsTests: XCTestCase {
    func testBasicCredentialsParsing() {
        let header = "Basic " + Data("alice:pa:ss word".utf8).base64EncodedString()
        let credentials = BasicCredentials(authorization: header)
        XCTAssertEqual(credentials?.user, "alice")
        XCTAssertEqual(credentials?.password, "pa:ss word", "only the first colon separates")
        XCTAssertNotNil(BasicCredentials(authorization: "basic " + Data("a:".utf8).base64EncodedString()))
        XCTAssertNil(BasicCredentials(authorization: nil))
        XCTAssertNil(BasicCredentials(authorization: "Basic"))
        XCTAssertNil(BasicCredentials(authorization: "Basic %%%"))
        XCTAssertNil(BasicCredentials(authorization: "Basic " + Data("no colon".utf8).base64EncodedString()))
        XCTAssertNil(BasicCredentials(authorization: "Digest abc"))
    }

    func testCredentialCacheExpiresAndIsBounded() {
        let cache = CredentialCache(lifetime: .seconds(60), capacity: 2)
        let user = UserRecord(name: "alice", role: "user", createdAt: Date(), mustChangePassword: false)
        let start = ContinuousClock.now
        let alice = CredentialCache.key(user: "alice", password: "one")
        cache.remember(user, for: alice, now: start)
        XCTAssertEqual(cache.user(for: alice, now: start + .seconds(59))?.name, "alice")
        XCTAssertNil(cache.user(for: alice, now: start + .seconds(61)), "expired")
        XCTAssertNil(cache.user(for: CredentialCache.key(user: "alice", password: "two"), now: start))

        // Capacity 2: the third entry evicts the one that expires first.
        let keys = (0..<3).map { CredentialCache.key(user: "u\($0)", password: "p") }
        for (offset, key) in keys.enumerated() { cache.remember(user, for: key, now: start + .seconds(offset)) }
        XCTAssertLessThanOrEqual(cache.count, 2)
        XCTAssertNil(cache.user(for: keys[0], now: start + .seconds(3)))
        XCTAssertNotNil(cache.user(for: keys[2], now: start + .seconds(3)))
    }

    func testCacheKeySeparatesUserFromPassword() {
        XCTAssertNotEqual(CredentialCache.key(user: "ab", password: "c"), CredentialCache.key(user: "a", password: "bc"))
    }

    func testDayParsing() throws {
        XCTAssertEqual(try RequestParsing.day("2024-02-29"), "20240229")
        XCTAssertEqual(try RequestParsing.day("20261125"), "20261125")
        for bad in ["2023-02-29", "2026-1-25", "2026-11-31", "2026/11/25", "", "2026-11-2x", "२०२६-११-२५"] {
            XCTAssertThrowsError(try RequestParsing.day(bad), bad)
        }
        XCTAssertEqual(UTCDay.isoDate("20261125"), "2026-11-25")
    }

    func testListenAddressParsing() {
        XCTAssertEqual(ListenAddress(parsing: "[::]:7000"), ListenAddress(host: "::", port: 7000))
        XCTAssertEqual(ListenAddress(parsing: ":7000"), ListenAddress(host: "::", port: 7000))
        XCTAssertEqual(ListenAddress(parsing: "127.0.0.1:0"), ListenAddress(host: "127.0.0.1", port: 0))
        XCTAssertNil(ListenAddress(parsing: "localhost"))
        XCTAssertNil(ListenAddress(parsing: "host:70000"))
        XCTAssertEqual(ListenAddress.webDefault.description, "[::]:7000")
    }

    func testPrometheusLabelEscaping() {
        XCTAssertEqual(D4Metrics.escapeLabel("a\"b\\c\nd"), #"a\"b\\c\nd"#)
    }
}
