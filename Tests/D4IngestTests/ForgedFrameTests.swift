import D4Protocol
import D4Queues
import D4TestSupport
import Foundation
import XCTest
@testable import D4Ingest

/// A frame with a wrong HMAC in the middle of an accepted stream ends it: nothing from that frame on
/// reaches the archive or a queue, and the reason is recorded. Two paths: frames no queue wants are
/// checked by the archive session off the event loop; frames a queue wants, on the event loop.
final class ForgedFrameTests: XCTestCase {
    private let lines = ["line one\n", "line two\n", "forged\n", "line four\n"].map { Array($0.utf8) }

    /// Two good frames, one signed with another key, one good frame after it, the end frame.
    private func streamWithForgedThirdFrame() -> [UInt8] {
        let good = StreamMaker()
        var forger = StreamMaker()
        forger.key = Array("not the key".utf8)
        return good.frame(type: .genericLog, payload: lines[0]) + good.frame(type: .genericLog, payload: lines[1])
            + forger.frame(type: .genericLog, payload: lines[2]) + good.frame(type: .genericLog, payload: lines[3])
            + good.frame(type: .genericLog, payload: [])
    }

    private func sendAndWaitForClose(_ harness: IngestHarness) async throws {
        let client = try await RawD4Client(port: harness.port)
        try await client.send(streamWithForgedThirdFrame())
        let closed = await client.waitForServerClose(timeout: .seconds(5))
        await client.finish()
        XCTAssertTrue(closed, "the server closes the connection at the forged frame")
        try await harness.waitUntilIdle()
        let deadline = ContinuousClock.now + .seconds(5)
        while try await !harness.failures().contains(where: { $0.contains("HMAC mismatch") }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let failures = try await harness.failures()
        XCTAssertTrue(failures.contains { $0.contains("HMAC mismatch") }, "reason recorded on the sensor: \(failures)")
    }

    func testArchiveOnlyStreamStopsBeforeTheForgedFrame() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        try await sendAndWaitForClose(harness)
        XCTAssertEqual(Array(try harness.archivedFiles().values), [lines[0] + lines[1]],
                       "the frames before the forged one are stored; it and everything after it are not")
    }

    func testQueuedStreamNeverPublishesTheForgedFrame() async throws {
        let harness = try await IngestHarness(queueSpecs: [QueueSpec(name: "logs", type: 3, capacity: 100)])
        defer { Task { await harness.shutdown() } }
        let subscription = try harness.queues.subscribe("logs")
        try await sendAndWaitForClose(harness)
        XCTAssertEqual(Array(try harness.archivedFiles().values), [lines[0] + lines[1]])
        var published: [UInt8] = []
        for await item in subscription {
            if item.isSessionEnd { break }
            published += item.payload
        }
        XCTAssertEqual(published, lines[0] + lines[1], "the queue got the good frames only")
    }
}
