import D4Protocol
import D4Queues
import D4Store
import D4TestSupport
import Foundation
import XCTest
@testable import D4Ingest

/// Ingest feeds the analyzer queues as data arrive; queue definitions in the store reach the hub.
final class QueueFeedTests: XCTestCase {
    func testAcceptedFramesReachTheQueueOfTheirTypeThenASessionEnd() async throws {
        let harness = try await IngestHarness(queueSpecs: [QueueSpec(name: "logs", type: 3, capacity: 100, dropPolicy: .block),
                                                           QueueSpec(name: "pdns", type: 8, capacity: 100)])
        defer { Task { await harness.shutdown() } }
        let subscription = try harness.queues.subscribe("logs")
        let input = Array((0 ..< 20).map { "line \($0)\n" }.joined().utf8)
        let client = try await RawD4Client(port: harness.port)
        try await client.send(StreamMaker().stream(type: .genericLog, input: input, snaplen: 32))
        await client.finish()
        var payload: [UInt8] = []
        var sawEnd = false
        var sessions = Set<UInt64>()
        for await item in subscription {
            XCTAssertEqual(item.sensor, IngestHarness.referenceUUID)
            XCTAssertEqual(item.type, 3)
            sessions.insert(item.session)
            if item.isSessionEnd { sawEnd = true; break }
            payload += item.payload
        }
        XCTAssertEqual(payload, input, "every byte, in order")
        XCTAssertTrue(sawEnd)
        XCTAssertEqual(sessions.count, 1)
        XCTAssertEqual(harness.queues.statistics().first { $0.name == "pdns" }?.enqueued, 0, "other types do not reach it")
    }

    /// A full `block` queue with a slow consumer stops the sensor's reading; nothing is lost or reordered.
    func testFullBlockQueueHoldsTheSensorBackWithoutLoss() async throws {
        let harness = try await IngestHarness(queueSpecs: [QueueSpec(name: "slow", type: 3, capacity: 2, dropPolicy: .block)])
        defer { Task { await harness.shutdown() } }
        let subscription = try harness.queues.subscribe("slow")
        let input = Array((0 ..< 200).map { "line \($0)\n" }.joined().utf8)
        let client = try await RawD4Client(port: harness.port)
        try await client.send(StreamMaker().stream(type: .genericLog, input: input, snaplen: 16))
        var payload: [UInt8] = []
        for await item in subscription {
            if item.isSessionEnd { break }
            payload += item.payload
            if payload.count == input.count { break }
            try await Task.sleep(for: .milliseconds(2))  // a slow analyzer
        }
        await client.finish()
        XCTAssertEqual(payload, input, "every frame once, in order, through a queue of 2")
        let dropped = harness.queues.statistics().first { $0.name == "slow" }?.dropped
        XCTAssertEqual(dropped, 0)
    }

    func testQueueDefinedInTheStoreReachesTheRunningServer() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        XCTAssertTrue(harness.queues.queueNames.isEmpty)
        try await harness.store.defineQueue(QueueDefinition(name: "pcap-feed", type: 1, capacity: 10, dropPolicy: "drop-oldest"))
        let deadline = ContinuousClock.now + .seconds(5)
        while harness.queues.queueNames.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(harness.queues.queueNames, ["pcap-feed"])
        try await harness.store.removeQueue("pcap-feed")
        while !harness.queues.queueNames.isEmpty, ContinuousClock.now < deadline + .seconds(5) { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(harness.queues.queueNames.isEmpty)
    }
}
