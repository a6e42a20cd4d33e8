import AsyncHTTPClient
import D4Queues
import Foundation
import NIOCore
import XCTest

final class QueueRoutesTests: XCTestCase {
    static let sensor = UUID(uuidString: "d4d4d4d4-0000-4000-8000-000000000001")!
    static let pcapQueue = QueueSpec(name: "pcap", type: 1, capacity: 1_000, dropPolicy: .block)
    static let textQueue = QueueSpec(name: "ja3", type: 254, metaType: "ja3-jl", capacity: 10, dropPolicy: .dropOldest)

    static func item(_ number: Int, payloadBytes: Int = 0) -> QueueItem {
        let payload = payloadBytes > 0
            ? (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &+ number) }
            : Array("frame \(number) \u{1}\u{2}\"quoted\"".utf8)
        return QueueItem(sensor: sensor, type: 1, metaType: nil, session: 7, sequence: 0,
                         timestamp: 1_764_000_000 + UInt64(number), payload: payload, isSessionEnd: false)
    }

    /// The bytes the socket consumer would receive for these items (sequence numbers 1, 2, 3… as the
    /// queue assigns them).
    static func expectedBytes(_ items: [QueueItem], queue: String, format: QueueStreamFormat, firstSequence: UInt64 = 1) -> Data {
        var buffer = ByteBuffer()
        for (offset, item) in items.enumerated() {
            var numbered = item
            numbered.sequence = firstSequence + UInt64(offset)
            QueueItemEncoder.write(numbered, queue: queue, format: format, into: &buffer)
        }
        return Data(buffer: buffer)
    }

    func testQueueListShowsDefinitionsAndLiveStatistics() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue, Self.textQueue]) { server in
            _ = server.queues.publish(Self.item(1))
            _ = server.queues.publish(Self.item(2))
            let answer = try await server.get("/api/v1/queues")
            XCTAssertEqual(answer.status.code, 200, answer.text)
            let queues = try XCTUnwrap(try answer.json()["queues"] as? [[String: Any]])
            XCTAssertEqual(queues.map { $0["name"] as? String }, ["ja3", "pcap"])
            let pcap = try XCTUnwrap(queues.last)
            XCTAssertEqual(pcap["type"] as? Int, 1)
            XCTAssertEqual(pcap["drop_policy"] as? String, "block")
            XCTAssertEqual(pcap["capacity"] as? Int, 1_000)
            XCTAssertEqual(pcap["active"] as? Bool, true)
            XCTAssertEqual(pcap["depth"] as? Int, 2)
            XCTAssertEqual(pcap["dropped"] as? Int, 0)
            XCTAssertEqual(pcap["consumers"] as? Int, 0)
            XCTAssertEqual(queues.first?["meta_type"] as? String, "ja3-jl")
        }
    }

    func testStreamDeliversPublishedItemsInOrderAsNDJSON() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            let items = (1...3).map { Self.item($0) }
            _ = server.queues.publish(items[0])  // waiting before the consumer connects
            let response = try await server.openStream("pcap", format: "ndjson")
            XCTAssertEqual(response.status.code, 200)
            XCTAssertEqual(response.headers["Content-Type"].first, "application/x-ndjson")
            var reader = QueueStreamReader(response)
            var lines: [String] = []
            let firstLine = try await reader.readLine()
            lines.append(try XCTUnwrap(firstLine))
            _ = server.queues.publish(items[1])  // arriving while the consumer waits
            _ = server.queues.publish(items[2])
            for _ in 1...2 {
                let line = try await reader.readLine()
                lines.append(try XCTUnwrap(line))
            }
            // Byte for byte what the Unix socket consumer gets.
            let expected = Self.expectedBytes(items, queue: "pcap", format: .ndjson)
            XCTAssertEqual(Data((lines.joined(separator: "\n") + "\n").utf8), expected)
            let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            XCTAssertEqual(first["sequence"] as? Int, 1)
            XCTAssertEqual(first["payload_b64"] as? String, Data(items[0].payload).base64EncodedString())
            XCTAssertEqual(server.queues.statistics().first?.consumers, 1)
        }
    }

    func testStreamDeliversRawRecords() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            let items = (1...4).map { Self.item($0, payloadBytes: 1_500) }
            for item in items { _ = server.queues.publish(item) }
            let response = try await server.openStream("pcap", format: "raw")
            XCTAssertEqual(response.status.code, 200)
            XCTAssertEqual(response.headers["Content-Type"].first, "application/octet-stream")
            let expected = Self.expectedBytes(items, queue: "pcap", format: .raw)
            var reader = QueueStreamReader(response)
            let received = try await reader.read(bytes: expected.count)
            XCTAssertEqual(received, expected)
            XCTAssertEqual(Array(received.prefix(4)), QueueStreamFormat.rawMagic)
        }
    }

    func testUnknownQueueIs404AndBadFormatIs400() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            let unknown = try await server.get("/api/v1/queues/nope/stream")
            XCTAssertEqual(unknown.status.code, 404)
            let message = try XCTUnwrap(try unknown.json()["error"] as? String)
            XCTAssertTrue(message.contains("pcap"), "the error lists the queues that exist: \(message)")
            let badFormat = try await server.get("/api/v1/queues/pcap/stream?format=xml")
            XCTAssertEqual(badFormat.status.code, 400)
            XCTAssertTrue((try badFormat.json()["error"] as? String)?.contains("ndjson") ?? false)
            XCTAssertEqual(server.queues.statistics().first?.consumers, 0, "a refused request leaves no consumer behind")
            let unauthenticated = try await server.get("/api/v1/queues/pcap/stream", authorization: nil)
            XCTAssertEqual(unauthenticated.status.code, 401)
        }
    }

    func testIdleConsumerThatDisconnectsLeavesAndTheNextOneGetsEverything() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            let first = Task {
                let response = try await server.openStream("pcap", format: "ndjson")
                var reader = QueueStreamReader(response)
                _ = try await reader.readLine()  // never comes: cancelled while waiting
            }
            try await server.waitUntil("the first consumer is subscribed") { server.queues.statistics().first?.consumers == 1 }
            first.cancel()
            _ = await first.result
            // The parked subscription closes as soon as the connection does, without any item arriving.
            try await server.waitUntil("the first consumer left") { server.queues.statistics().first?.consumers == 0 }

            let items = (1...3).map { Self.item($0) }
            for item in items { _ = server.queues.publish(item) }
            let response = try await server.openStream("pcap", format: "ndjson")
            var reader = QueueStreamReader(response)
            var lines: [String] = []
            for _ in items {
                let line = try await reader.readLine()
                lines.append(try XCTUnwrap(line))
            }
            XCTAssertEqual(Data((lines.joined(separator: "\n") + "\n").utf8),
                           Self.expectedBytes(items, queue: "pcap", format: .ndjson))
        }
    }

    func testConsumerThatDisconnectsMidStreamGivesUnwrittenItemsBack() async throws {
        let count = 400
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            // ~17 MB of NDJSON: more than the socket buffers hold, so writes to a client that stops
            // reading stay pending in the server when it disconnects.
            for number in 1...count { _ = server.queues.publish(Self.item(number, payloadBytes: 32_000)) }
            let stalled = Task {
                let response = try await server.openStream("pcap", format: "ndjson")
                var reader = QueueStreamReader(response)
                _ = try await reader.readLine()
                try await Task.sleep(for: .seconds(3_600))  // stops reading: the server's writes back up
            }
            // Stalled: the server took batches until the socket buffers filled, and now waits for its
            // last writes to complete (no progress for half a second).
            var lastDelivered = -1
            var unchangedPolls = 0
            try await server.waitUntil("the stalled consumer's stream stopped moving") {
                let delivered = server.queues.statistics().first?.delivered ?? 0
                if delivered == lastDelivered && delivered >= 128 {
                    unchangedPolls += 1
                } else {
                    unchangedPolls = 0
                    lastDelivered = delivered
                }
                return unchangedPolls >= 50
            }
            XCTAssertLessThan(lastDelivered, count, "the stream must stall before the queue is empty")
            stalled.cancel()
            _ = await stalled.result
            try await server.waitUntil("the stalled consumer left") { server.queues.statistics().first?.consumers == 0 }
            // The writes pending at the disconnect fail once the server sees the reset; their items
            // then go back to the head of the queue.
            try await server.waitUntil("items not written to the socket went back to the queue") {
                (server.queues.statistics().first?.requeued ?? 0) > 0
            }

            // The next consumer receives the rest, in order, without a gap, through the last item.
            let response = try await server.openStream("pcap", format: "ndjson")
            var reader = QueueStreamReader(response)
            var sequences: [Int] = []
            while sequences.last != count, let line = try await reader.readLine() {
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                sequences.append(try XCTUnwrap(object["sequence"] as? Int))
            }
            let first = try XCTUnwrap(sequences.first)
            XCTAssertEqual(sequences, Array(first...count))
            let final = try XCTUnwrap(server.queues.statistics().first)
            XCTAssertEqual(final.depth, 0)
            XCTAssertEqual(final.dropped, 0)
            XCTAssertEqual(final.delivered, count, "every item counted as delivered exactly once")
        }
    }

    func testRemovingTheQueueEndsTheStreamWithTheSocketsErrorLine() async throws {
        try await withWebServer(queueSpecs: [Self.pcapQueue]) { server in
            _ = server.queues.publish(Self.item(1))
            let response = try await server.openStream("pcap", format: "raw")
            var reader = QueueStreamReader(response)
            let expected = Self.expectedBytes([Self.item(1)], queue: "pcap", format: .raw)
            let firstRecord = try await reader.read(bytes: expected.count)
            XCTAssertEqual(firstRecord, expected)
            server.queues.update(specs: [])
            let rest = String(decoding: try await reader.readToEnd(), as: UTF8.self)
            XCTAssertEqual(rest, "ERR queue \"pcap\" was removed or the server is stopping\n")
        }
    }

    func testGracefulShutdownEndsOpenStreams() async throws {
        let server = try await WebTestServer.start(queueSpecs: [Self.pcapQueue])
        _ = server.queues.publish(Self.item(1))
        let response = try await server.openStream("pcap", format: "ndjson")
        var reader = QueueStreamReader(response)
        let firstLine = try await reader.readLine()
        XCTAssertNotNil(firstLine)
        let shutdown = Task { await server.server.shutdown(timeout: .seconds(60)) }
        let rest = String(decoding: try await reader.readToEnd(), as: UTF8.self)
        XCTAssertEqual(rest, "ERR queue \"pcap\" was removed or the server is stopping\n")
        await shutdown.value
        XCTAssertEqual(server.queues.statistics().first?.consumers, 0)
        await server.stop()
    }
}
