import D4Protocol
import D4Store
import D4TestSupport
import Foundation
import XCTest
@testable import D4Ingest

/// One test per admission rule of the reference server, both modes, over real TLS.
final class AdmissionRuleTests: XCTestCase {
    private let uuid = IngestHarness.referenceUUID
    private let text = Array("a line of log\n".utf8)

    /// Sends `bytes`; returns whether the server closed the connection, and the archived files.
    private func exchange(_ harness: IngestHarness, _ bytes: [UInt8]) async throws -> Bool {
        let client = try await RawD4Client(port: harness.port)
        // A refusal at accept time closes before the bytes are written: that is a close too.
        do { try await client.send(bytes) } catch { await client.finish(); return true }
        let closed = await client.waitForServerClose(timeout: .milliseconds(1500))
        await client.finish()
        return closed
    }

    private func assertRefused(_ harness: IngestHarness, _ bytes: [UInt8], reason: String,
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        let closed = try await exchange(harness, bytes)
        XCTAssertTrue(closed, "the server must close the connection", file: file, line: line)
        // The reason is written to the store just after the close.
        let deadline = ContinuousClock.now + .seconds(5)
        var failures = try await harness.failures()
        while !failures.contains(where: { $0.contains(reason) }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            failures = try await harness.failures()
        }
        XCTAssertTrue(failures.contains { $0.contains(reason) }, "reason \"\(reason)\" not recorded in \(failures)", file: file, line: line)
    }

    func testAcceptedStreamIsStoredAndCounted() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let closed = try await exchange(harness, StreamMaker().stream(type: .genericLog, input: text))
        XCTAssertFalse(closed, "a good stream stays open until the sensor ends it")
        try await harness.waitUntilIdle()
        XCTAssertEqual(Array(try harness.archivedFiles().values), [text], "type 3 is accepted by default (defect 4)")
        try await Task.sleep(for: .milliseconds(500))
        let counters = try await harness.store.dailyCounters(day: nil, sensor: uuid)
        XCTAssertTrue(counters.contains { $0.type == 3 && $0.frames == 2 && $0.bytes == Int64(text.count) }, "\(counters)")
    }

    func testBlocklistedSourceIPIsRefused() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        try await harness.store.blockIP("127.0.0.1", reason: "test")
        try await Task.sleep(for: .milliseconds(300))
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "source IP 127.0.0.1 is blocklisted")
        XCTAssertTrue(try harness.archivedFiles().isEmpty)
    }

    func testBlockedSensorIsRefusedAndCanBlockItsIPs() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        try await harness.store.setSensorState(uuid, .blocked)
        try await Task.sleep(for: .milliseconds(300))
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "sensor is blocked")
        try await harness.store.setBlockSourceIPs(uuid, true)
        try await Task.sleep(for: .milliseconds(300))
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "127.0.0.1 added to the IP blocklist")
        try await Task.sleep(for: .milliseconds(300))
        let blocked = try await harness.store.blockedIPs().map(\.ip)
        XCTAssertTrue(blocked.contains("127.0.0.1"), "\(blocked)")
    }

    func testRegistrationModeAdmitsOnlyApprovedSensors() async throws {
        let harness = try await IngestHarness(configure: { $0.mode = .registration })
        defer { Task { await harness.shutdown() } }
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "not registered")
        _ = try await harness.store.registerSensor(uuid: uuid, key: Data(IngestHarness.referenceKey), description: "t", contactMail: "a@b.c")
        try await Task.sleep(for: .milliseconds(300))
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "not approved yet")
        try await harness.store.setSensorState(uuid, .approved)
        try await Task.sleep(for: .milliseconds(300))
        let closed = try await exchange(harness, StreamMaker().stream(type: .genericLog, input: text))
        XCTAssertFalse(closed)
    }

    func testKickedSensorIsClosedAndRefusedForThirtySeconds() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let client = try await RawD4Client(port: harness.port)
        try await client.send(StreamMaker().frame(type: .genericLog, payload: text))
        try await Task.sleep(for: .milliseconds(300))
        try await harness.store.kickSensor(uuid, until: Date().addingTimeInterval(30))
        let closed = await client.waitForServerClose(timeout: .milliseconds(1500))
        XCTAssertTrue(closed, "an open connection of a kicked sensor is closed")
        await client.finish()
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "kicked")
    }

    func testUUIDThatIsNotVersion4IsRefusedWithAReason() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        var maker = StreamMaker()
        maker.uuid = UUID(uuidString: "3c7e5b2a-9f1d-1e8a-b6c4-2d5f8a1e9b07")!
        try await assertRefused(harness, maker.stream(type: .genericLog, input: text), reason: "not a version 4 UUID")
    }

    func testTypeNotAcceptedIsRefusedWithAReason() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        try await assertRefused(harness, StreamMaker().stream(type: .yaf, input: text), reason: "type 7 (yaf) is not accepted")
    }

    func testOversizedFrameIsRefusedAtItsHeader() async throws {
        let harness = try await IngestHarness(configure: { $0.maxFrameSize = 1000 })
        defer { Task { await harness.shutdown() } }
        // Only the header is sent: the refusal must not wait for the payload.
        let header = Array(StreamMaker().frame(type: .genericLog, payload: [UInt8](repeating: 65, count: 5000)).prefix(62))
        try await assertRefused(harness, header, reason: "frame size 5000 bytes is over the limit of 1000 bytes")
    }

    func testSecondConnectionForTheSameSensorAndTypeIsRefused() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let first = try await RawD4Client(port: harness.port)
        try await first.send(StreamMaker().frame(type: .genericLog, payload: text))
        try await Task.sleep(for: .milliseconds(200))
        try await assertRefused(harness, StreamMaker().frame(type: .genericLog, payload: text), reason: "already open")
        XCTAssertFalse(first.isClosedByServer, "the first connection keeps going")
        // Types 2/254 are excepted: two meta streams of one sensor at once are fine.
        let meta = StreamMaker().frame(type: .metaHeader, payload: Array(#"{"type":"ja3-jl"}"#.utf8))
            + StreamMaker().frame(type: .extended, payload: Array("{\"ja3\":1}\n".utf8))
        let a = try await RawD4Client(port: harness.port), b = try await RawD4Client(port: harness.port)
        try await a.send(meta)
        try await b.send(meta)
        let aClosed = await a.waitForServerClose(timeout: .milliseconds(700))
        let bClosed = await b.waitForServerClose(timeout: .milliseconds(100))
        XCTAssertFalse(aClosed || bClosed)
        await a.finish(); await b.finish(); await first.finish()
    }

    func testTypeFlowRules() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let maker = StreamMaker()
        try await assertRefused(harness, maker.frame(type: .extended, payload: text), reason: "type 254 frame before any type 2")
        try await assertRefused(harness, maker.frame(type: .genericLog, payload: text) + maker.frame(type: .passiveDNS, payload: text),
                                reason: "type changed from 3 (log) to 8 (passivedns)")
        var other = maker
        other.uuid = UUID(uuidString: "8f2d4c1e-7b3a-4d5e-9c8f-1a2b3c4d5e6f")!
        try await assertRefused(harness, maker.frame(type: .pcap, payload: text) + other.frame(type: .pcap, payload: text),
                                reason: "UUID changed")
        // 2 → 254 is the one allowed change; the data land under the meta type.
        let closed = try await exchange(harness, maker.frame(type: .metaHeader, payload: Array(#"{"type":"ja3-jl"}"#.utf8))
            + maker.frame(type: .extended, payload: text) + maker.frame(type: .extended, payload: []))
        XCTAssertFalse(closed)
        try await harness.waitUntilIdle()
        let files = try harness.archivedFiles()
        XCTAssertTrue(files.contains { $0.key.contains("/254/ja3-jl/") && $0.value == text }, "\(files.keys)")
        XCTAssertTrue(files.contains { $0.key.hasSuffix(".meta.json") }, "the meta header is kept beside the data")
    }

    func testWrongHMACIsRefused() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        var maker = StreamMaker()
        maker.key = Array("not the key".utf8)
        try await assertRefused(harness, maker.stream(type: .genericLog, input: text), reason: "HMAC mismatch")
    }

    func testUnknownVersionIsRefused() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        var maker = StreamMaker()
        maker.version = 2
        try await assertRefused(harness, maker.stream(type: .genericLog, input: text), reason: "protocol version 2 is not supported")
    }

    func testReplayWindowRejectsOldFramesUnlessTurnedOff() async throws {
        let harness = try await IngestHarness(configure: { $0.replayWindowSeconds = 3600 })
        defer { Task { await harness.shutdown() } }
        var old = StreamMaker()
        old.timestamp = UInt64(Date().timeIntervalSince1970) - 7200
        try await assertRefused(harness, old.stream(type: .genericLog, input: text), reason: "behind the server clock")
        _ = try await harness.store.updateSettings { $0.replayWindowSeconds = 0 }
        try await Task.sleep(for: .milliseconds(300))
        let closed = try await exchange(harness, old.stream(type: .genericLog, input: text))
        XCTAssertFalse(closed, "window 0 turns the check off (replaying old captures)")
    }

    func testNoKeyMeansRefusal() async throws {
        let harness = try await IngestHarness(configure: { $0.defaultKey = nil })
        defer { Task { await harness.shutdown() } }
        try await assertRefused(harness, StreamMaker().stream(type: .genericLog, input: text), reason: "no key for this sensor")
        try await harness.store.setSensorKey(uuid, Data(IngestHarness.referenceKey))
        try await Task.sleep(for: .milliseconds(300))
        let closed = try await exchange(harness, StreamMaker().stream(type: .genericLog, input: text))
        XCTAssertFalse(closed, "a sensor's own key is used")
    }

    func testHeaderTimeout() async throws {
        let harness = try await IngestHarness(ingest: { $0.headerTimeout = .seconds(1) })
        defer { Task { await harness.shutdown() } }
        try await assertRefused(harness, Array(StreamMaker().frame(type: .genericLog, payload: text).prefix(30)),
                                reason: "no complete frame header within 1 s")
    }

    func testBacklogOverTheSensorLimitCloses() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        try await harness.store.setSensorMaxBacklog(uuid, 1)
        try await Task.sleep(for: .milliseconds(300))
        // Many frames in one write: they are decoded in one go, faster than the archive takes them.
        var burst: [UInt8] = []
        for _ in 0 ..< 2000 { burst += StreamMaker().frame(type: .genericLog, payload: text) }
        try await assertRefused(harness, burst, reason: "backlog over the sensor's maximum of 1 frames")
    }
}
