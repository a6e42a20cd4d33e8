@testable import D4Queues
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest

final class QueueSocketTests: XCTestCase {
    typealias F = QueueFixtures
    private var folder: URL?

    override func tearDown() async throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func startServer(_ hub: QueueHub) async throws -> QueueSocketServer {
        let (folder, path) = try F.socketPath()
        self.folder = folder
        return try await QueueSocketServer.start(path: path, hub: hub, group: MultiThreadedEventLoopGroup.singleton)
    }

    /// Consumes until `count` records arrived, then ends the connection by throwing.
    private static func consume(_ count: Int, queue: String, format: QueueStreamFormat, server: QueueSocketServer) async throws -> [QueueItemDecoder.Decoded] {
        struct Enough: Error {}
        let received = NIOLockedValueBox<[QueueItemDecoder.Decoded]>([])
        do {
            try await QueueSocketClient.consume(path: server.path, queue: queue, format: format,
                                                group: MultiThreadedEventLoopGroup.singleton) { record in
                let decoded = try QueueItemDecoder.decode(record, format: format)
                let total = received.withLockedValue { $0.append(decoded); return $0.count }
                if total == count { throw Enough() }
            }
            XCTFail("the stream ended before \(count) items")
        } catch is Enough {}
        return received.withLockedValue { $0 }
    }

    private static func startConsuming(_ count: Int, queue: String, format: QueueStreamFormat,
                                       server: QueueSocketServer) -> Task<[QueueItemDecoder.Decoded], any Error> {
        Task { try await consume(count, queue: queue, format: format, server: server) }
    }

    private static func waitForConsumers(_ count: Int, hub: QueueHub, queue: String) async throws {
        while hub.statistics().first(where: { $0.name == queue })?.consumers != count {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func testSocketConsumerReceivesItemsInOrderInBothFormats() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "as-json", type: 254, metaType: "ja3-jl", capacity: 1000, dropPolicy: .dropNewest),
            QueueSpec(name: "as-raw", type: 254, capacity: 1000, dropPolicy: .dropNewest),
        ])
        let server = try await startServer(hub)
        var published: [QueueItem] = []
        for number in 1...300 {
            var item = F.item(number, type: 254, metaType: "ja3-jl", session: UInt64(number % 3), end: number == 300)
            item.payload = Array(repeating: UInt8(number & 0xff), count: number * 7)  // crosses read chunks
            XCTAssertEqual(hub.publish(item), .accepted)
            item.sequence = UInt64(number)
            published.append(item)
        }
        let json = try await Self.consume(300, queue: "as-json", format: .ndjson, server: server)
        XCTAssertEqual(json.map(\.item), published)
        XCTAssertEqual(Set(json.compactMap(\.queue)), ["as-json"])
        let raw = try await Self.consume(300, queue: "as-raw", format: .raw, server: server)
        XCTAssertEqual(raw.map(\.item), published)
        try await server.close()
    }

    func testSocketConsumerGetsItemsPublishedWhileConnected() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "live", type: 3, capacity: 4, dropPolicy: .block)])
        let server = try await startServer(hub)
        let consumer = Self.startConsuming(50, queue: "live", format: .raw, server: server)
        try await Self.waitForConsumers(1, hub: hub, queue: "live")
        var number = 1
        while number <= 50 {
            // A block queue of 4 with a consumer: the publisher follows the consumer's pace.
            if hub.publish(F.item(number, type: 3)) == .full {
                await hub.waitForSpace(for: F.item(number, type: 3))
            } else {
                number += 1
            }
        }
        let received = try await consumer.value
        XCTAssertEqual(received.map { F.payloadText($0.item) }, (1...50).map { "item-\($0)" })
        XCTAssertEqual(hub.statistics().first?.dropped, 0)
        try await server.close()
    }

    func testListAnswersStatistics() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "pdns", type: 8, sensors: [F.sensorB], capacity: 5, dropPolicy: .dropOldest),
            QueueSpec(name: "ja3", type: 254, metaType: "ja3-jl", capacity: 9),
        ])
        for number in 1...7 { _ = hub.publish(F.item(number, sensor: F.sensorB, type: 8)) }
        let server = try await startServer(hub)
        let listed = try await QueueSocketClient.list(path: server.path, group: MultiThreadedEventLoopGroup.singleton)
        XCTAssertEqual(listed, hub.statistics())
        XCTAssertEqual(listed.map(\.name), ["ja3", "pdns"])
        let pdns = try XCTUnwrap(listed.last)
        XCTAssertEqual(pdns.depth, 5)
        XCTAssertEqual(pdns.dropped, 2)
        XCTAssertEqual(pdns.sensors, [F.sensorB])
        XCTAssertEqual(listed.first?.metaType, "ja3-jl")
        try await server.close()
    }

    func testUnknownQueueIsAnsweredWithTheKnownNames() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "alpha", type: 1, capacity: 1), QueueSpec(name: "beta", type: 1, capacity: 1)])
        let server = try await startServer(hub)
        do {
            try await QueueSocketClient.consume(path: server.path, queue: "gamma", format: .ndjson,
                                                group: MultiThreadedEventLoopGroup.singleton) { _ in
                XCTFail("no item expected")
            }
            XCTFail("expected an error")
        } catch let error as QueueError {
            XCTAssertEqual(error, .server("unknown queue \"gamma\" (known queues: alpha, beta)"))
        }
        try await server.close()
    }

    func testReservedQueueIsRefusedToOutsideConsumersAndKeptForItsOwner() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "builtin", type: 1, capacity: 4)])
        hub.reserve("builtin")
        let server = try await startServer(hub)
        do {
            try await QueueSocketClient.consume(path: server.path, queue: "builtin", format: .ndjson,
                                                group: MultiThreadedEventLoopGroup.singleton) { _ in
                XCTFail("no item expected")
            }
            XCTFail("expected an error")
        } catch let error as QueueError {
            XCTAssertEqual(error, .server(QueueError.reservedQueue(name: "builtin").description))
        }
        XCTAssertThrowsError(try hub.subscribe("builtin"))
        // The owner still receives every item.
        let owner = try hub.subscribeReserved("builtin")
        XCTAssertEqual(hub.publish(F.item(1)), .accepted)
        let items = await F.take(1, from: owner)
        XCTAssertEqual(items.map(F.payloadText), ["item-1"])
        owner.close()
        try await server.close()
    }

    func testBadRequestIsAnsweredWithErr() async throws {
        let hub = QueueHub(specs: [])
        let server = try await startServer(hub)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: server.path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let answer = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "CONSUME q xml\n"))
            var answer = ByteBuffer()
            for try await var chunk in inbound { answer.writeBuffer(&chunk) }
            return String(buffer: answer)
        }
        XCTAssertEqual(answer, "ERR bad request: unknown format \"xml\": use ndjson or raw\n")
        try await server.close()
    }

    func testMissingServerGivesAnActionableError() async throws {
        let (folder, path) = try F.socketPath()
        self.folder = folder
        do {
            _ = try await QueueSocketClient.list(path: path, group: MultiThreadedEventLoopGroup.singleton)
            XCTFail("expected an error")
        } catch let error as QueueError {
            XCTAssertEqual(error, .serverNotRunning(path: path))
            XCTAssertEqual("\(error)", "no server socket at \(path): is `d4 server` running?")
        }
    }

    func testConsumerThatDisconnectsMidWriteGivesUnwrittenItemsBack() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 100)])
        let count = 40
        for number in 1...count {
            var item = F.item(number)
            item.payload = Array(repeating: UInt8(number), count: 256 << 10)  // far more than a socket buffer
            _ = hub.publish(item)
        }
        let server = try await startServer(hub)
        // A client that asks for the queue and never reads: the server's writes stall, then fail.
        let stalled = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .connect(unixDomainSocketPath: server.path).get()
        try await stalled.writeAndFlush(ByteBuffer(string: "CONSUME q raw\n")).get()
        while hub.statistics().first?.depth == count {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await stalled.close().get()
        try await Self.waitForConsumers(0, hub: hub, queue: "q")

        let statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertGreaterThan(statistics.requeued, 0)
        XCTAssertGreaterThan(statistics.depth, 0)
        // At most once: what reached the vanished client's socket counts as delivered; nothing else is lost.
        XCTAssertEqual(statistics.delivered + statistics.depth, count)
        let rest = try await Self.consume(statistics.depth, queue: "q", format: .raw, server: server)
        XCTAssertEqual(rest.map(\.item.sequence), Array(UInt64(statistics.delivered + 1)...UInt64(count)))
        try await server.close()
    }

    func testSecondServerOnALiveSocketIsRefused() async throws {
        let hub = QueueHub(specs: [])
        let server = try await startServer(hub)
        do {
            _ = try await QueueSocketServer.start(path: server.path, hub: hub, group: MultiThreadedEventLoopGroup.singleton)
            XCTFail("expected an error")
        } catch let error as QueueSocketServerError {
            XCTAssertEqual(error, .alreadyServing(path: server.path))
        }
        try await server.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: server.path))
    }
}
