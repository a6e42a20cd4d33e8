@testable import D4Store
import Foundation
import XCTest

final class PasswordHasherTests: XCTestCase {
    /// PBKDF2-HMAC-SHA256 test vectors (RFC 7914 §11 and the widely used set for dkLen 32).
    func testKnownVectors() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        XCTAssertEqual(hex(PasswordHasher.derive(password: "password", salt: Array("salt".utf8), iterations: 1)),
                       "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        XCTAssertEqual(hex(PasswordHasher.derive(password: "password", salt: Array("salt".utf8), iterations: 2)),
                       "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
        XCTAssertEqual(hex(PasswordHasher.derive(password: "password", salt: Array("salt".utf8), iterations: 4_096)),
                       "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        XCTAssertEqual(hex(PasswordHasher.derive(password: "passwd", salt: Array("salt".utf8), iterations: 1)),
                       "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    func testHashFormatAndVerify() throws {
        let hash = PasswordHasher.hash("a password", iterations: 1_000)
        XCTAssertTrue(hash.hasPrefix("pbkdf2-sha256$1000$"))
        XCTAssertTrue(try PasswordHasher.verify("a password", against: hash))
        XCTAssertFalse(try PasswordHasher.verify("a passworD", against: hash))
        XCTAssertFalse(try PasswordHasher.verify("", against: hash))
        XCTAssertNotEqual(hash, PasswordHasher.hash("a password", iterations: 1_000))
        XCTAssertEqual(PasswordHasher.defaultIterations, 210_000)
    }

    func testMalformedStoredHashIsReportedNotCrashed() {
        for bad in ["", "plain", "pbkdf2-sha256$x$c2FsdA==$aGFzaA==", "md5$1$c2FsdA==$aGFzaA==",
                    "pbkdf2-sha256$0$c2FsdA==$aGFzaA==", "pbkdf2-sha256$1$c2FsdA==$aGFzaA==",
                    "pbkdf2-sha256$99999999999$c2FsdA==$\(Data(count: 32).base64EncodedString())"] {
            XCTAssertThrowsError(try PasswordHasher.verify("pw", against: bad), bad) { error in
                XCTAssertTrue((error as? StoreError)?.description.hasPrefix("stored data unreadable") ?? false)
            }
        }
    }
}
