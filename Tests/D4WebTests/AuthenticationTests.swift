import D4Web
import XCTest

final class AuthenticationTests: XCTestCase {
    func testHealthNeedsNoCredentials() async throws {
        try await withWebServer() { server in
            let answer = try await server.get("/api/v1/health", authorization: nil)
            XCTAssertEqual(answer.status.code, 200)
            XCTAssertEqual(try answer.json()["status"] as? String, "ok")
        }
    }

    func testMissingCredentialsAreRefusedWithAChallenge() async throws {
        try await withWebServer() { server in
            let answer = try await server.get("/api/v1/sensors", authorization: nil)
            XCTAssertEqual(answer.status.code, 401)
            XCTAssertTrue(answer.headers["WWW-Authenticate"].first?.hasPrefix("Basic realm=") ?? false)
            XCTAssertNotNil(try answer.json()["error"] as? String)
        }
    }

    func testWrongPasswordUnknownUserAndGarbageAreRefused() async throws {
        try await withWebServer() { server in
            for authorization in [WebTestServer.basic(WebTestServer.user, "wrong"), WebTestServer.basic("mallory", "x"),
                                  "Basic not-base64!", "Bearer abc"] {
                let answer = try await server.get("/api/v1/sensors", authorization: authorization)
                XCTAssertEqual(answer.status.code, 401, authorization)
                XCTAssertFalse(answer.headers["WWW-Authenticate"].isEmpty)
                XCTAssertFalse(answer.text.contains("wrong\""), "the error must not echo the password")
            }
        }
    }

    func testRightCredentialsAreAcceptedRepeatedly() async throws {
        try await withWebServer() { server in
            // The second request is answered from the credential cache; both must succeed.
            for _ in 0..<2 {
                let answer = try await server.get("/api/v1/sensors")
                XCTAssertEqual(answer.status.code, 200)
            }
            // A wrong password for the same user still fails after a cached success.
            let wrong = try await server.get("/api/v1/sensors", authorization: WebTestServer.basic(WebTestServer.user, "nope"))
            XCTAssertEqual(wrong.status.code, 401)
        }
    }

    func testUserWhoMustChangePasswordGetsForbiddenWithInstructions() async throws {
        try await withWebServer() { server in
            let answer = try await server.get("/api/v1/sensors",
                                              authorization: WebTestServer.basic(WebTestServer.newAdmin, WebTestServer.newAdminPassword))
            XCTAssertEqual(answer.status.code, 403)
            let message = try XCTUnwrap(try answer.json()["error"] as? String)
            XCTAssertTrue(message.contains("d4 users passwd admin"), message)

            // Once the password is changed the account works.
            try await server.store.setPassword(name: WebTestServer.newAdmin, password: "a brand new password")
            let after = try await server.get("/api/v1/sensors",
                                             authorization: WebTestServer.basic(WebTestServer.newAdmin, "a brand new password"))
            XCTAssertEqual(after.status.code, 200)
        }
    }

    func testUnknownEndpointIsAJSON404() async throws {
        try await withWebServer() { server in
            let answer = try await server.get("/api/v1/nothing-here")
            XCTAssertEqual(answer.status.code, 404)
            XCTAssertNotNil(try answer.json()["error"] as? String)
        }
    }

    func testPlainHTTPOnlyWhenAsked() async throws {
        try await withWebServer(plainHTTP: true) { server in
            XCTAssertTrue(server.baseURL.hasPrefix("http://"))
            let answer = try await server.get("/api/v1/health", authorization: nil)
            XCTAssertEqual(answer.status.code, 200)
        }
    }
}
