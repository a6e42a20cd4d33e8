@testable import D4Web
import Foundation
import XCTest

/// Password guessing: back-off per address and per user name (socket-free rules), bounded hashing,
/// and the same seen through the API (429 with Retry-After, the metric).
final class LoginProtectionTests: XCTestCase {
    private let start = ContinuousClock.now
    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    func testFiveFailuresAreFreeThenTheBackoffDoubles() {
        var throttle = LoginThrottle()
        for index in 0..<5 {
            XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(Double(index))), .check)
            throttle.failed(address: "192.0.2.1", user: "alice", now: at(Double(index)))
        }
        XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(4.5)), .refuse(retryAfter: .milliseconds(500), subject: .address),
                       "after the 5th failure: 1 s")
        XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(5)), .check)
        throttle.failed(address: "192.0.2.1", user: "alice", now: at(5))
        XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(6.9)), .refuse(retryAfter: .milliseconds(100), subject: .address))
        XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(7)), .check, "after the 6th: 2 s")
    }

    func testTheUserNameIsThrottledFromEveryAddress() {
        var throttle = LoginThrottle()
        for index in 0..<5 { throttle.failed(address: "198.51.100.\(index)", user: "admin", now: at(0)) }
        XCTAssertEqual(throttle.decide(address: "203.0.113.9", user: "admin", now: at(0.5)), .refuse(retryAfter: .milliseconds(500), subject: .user))
        XCTAssertEqual(throttle.decide(address: "203.0.113.9", user: "bob", now: at(0.5)), .check, "other names from a fresh address are checked")
    }

    func testSuccessForgivesAndOldFailuresAreForgotten() {
        var throttle = LoginThrottle()
        for _ in 0..<6 { throttle.failed(address: "192.0.2.1", user: "alice", now: at(0)) }
        throttle.succeeded(address: "192.0.2.1", user: "alice")
        XCTAssertEqual(throttle.decide(address: "192.0.2.1", user: "alice", now: at(0.1)), .check)
        for _ in 0..<20 { throttle.failed(address: "192.0.2.2", user: "carol", now: at(0)) }
        XCTAssertEqual(throttle.decide(address: "192.0.2.2", user: "carol", now: at(299)), .refuse(retryAfter: .seconds(1), subject: .address),
                       "capped at 5 minutes")
        XCTAssertEqual(throttle.decide(address: "192.0.2.2", user: "carol", now: at(901)), .check, "forgotten after 15 quiet minutes")
    }

    func testTheTableIsBounded() {
        var configuration = LoginThrottle.Configuration()
        configuration.capacity = 100
        var throttle = LoginThrottle(configuration: configuration)
        for index in 0..<1_000 { throttle.failed(address: "10.0.\(index / 256).\(index % 256)", user: "u\(index)", now: at(Double(index))) }
        XCTAssertLessThanOrEqual(throttle.count, 100)
    }

    func testAtMostTheGivenNumberOfChecksRunAndTheRestIsRefusedAtOnce() async throws {
        let gate = PasswordCheckGate(concurrent: 2, waiting: 3)
        let started = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await gate.run {
                        started.continuation.yield()
                        for await _ in release.stream { break }
                        return true
                    } ?? false
                }
            }
            // Two run, three wait; the sixth finds no place.
            var iterator = started.stream.makeAsyncIterator()
            _ = await iterator.next()
            _ = await iterator.next()
            while gate.running < 2 { await Task.yield() }
            try await Task.sleep(for: .milliseconds(50))
            let refused = try await gate.run { true }
            XCTAssertNil(refused, "more than 2 running and 3 waiting: refused without running")
            for _ in 0..<5 { release.continuation.yield() }
            var all: [Bool] = []
            for try await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results, Array(repeating: true, count: 5))
        XCTAssertEqual(gate.running, 0)
    }

    func testGuessingThroughTheAPIIsThrottledCountedAndTheRightPasswordStillWorksLater() async throws {
        try await withWebServer(configure: { $0.loginThrottle.firstBackoff = .seconds(2) }) { server in
            let wrong = WebTestServer.basic(WebTestServer.user, "guess")
            for _ in 0..<5 {
                let answer = try await server.get("/api/v1/sensors", authorization: wrong)
                XCTAssertEqual(answer.status.code, 401)
            }
            let blocked = try await server.get("/api/v1/sensors")
            XCTAssertEqual(blocked.status.code, 429, "even the right password waits out the back-off: \(blocked.text)")
            XCTAssertNotNil(blocked.headers.first(name: "Retry-After"))
            XCTAssertTrue((try blocked.json()["error"] as? String)?.contains("too many failed logins") ?? false)
            let metrics = try await server.get("/metrics", authorization: nil).text
            XCTAssertTrue(metrics.contains("d4_web_login_failures_total 5"), metrics)
            XCTAssertTrue(metrics.contains("d4_web_logins_throttled_total 1"), metrics)
            try await Task.sleep(for: .milliseconds(2_100))
            let later = try await server.get("/api/v1/sensors")
            XCTAssertEqual(later.status.code, 200, later.text)
        }
    }

    func testUnknownMethodIs405WithAllowHeadWorksAndOutOfRangeTimesAre400() async throws {
        try await withWebServer { server in
            let post = try await server.get("/api/v1/sensors", method: .POST)
            XCTAssertEqual(post.status.code, 405, post.text)
            XCTAssertEqual(post.headers.first(name: "Allow"), "GET, HEAD")
            let unknown = try await server.get("/api/v1/no-such-route", method: .POST)
            XCTAssertEqual(unknown.status.code, 404)
            let head = try await server.get("/api/v1/sensors", method: .HEAD)
            XCTAssertEqual(head.status.code, 200)
            XCTAssertTrue(head.body.isEmpty)
            for path in ["/api/v1/attacks?since=1e20", "/api/v1/attacks?until=-1e300", "/api/v1/botnets?since=99999999999999"] {
                let answer = try await server.get(path)
                XCTAssertEqual(answer.status.code, 400, "\(path): \(answer.text)")
                XCTAssertTrue(answer.text.contains("out of range"), answer.text)
            }
        }
    }
}
