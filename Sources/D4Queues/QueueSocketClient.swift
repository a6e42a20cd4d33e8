import Foundation
import NIOCore
import NIOPosix

/// The client side of the queue socket (`d4 queue consume`, `d4 queue list`, Swift analyzers).
public enum QueueSocketClient {
    /// Consumes queue `queue` and hands each whole record (one encoded item, as the server wrote it) to
    /// `onRecord`, in order, until the server ends the stream. Throws `QueueError.server` for an `ERR`
    /// answer (unknown queue, queue removed) and `.serverNotRunning` when nobody listens at `path`.
    public static func consume(path: String, queue: String, format: QueueStreamFormat, group: any EventLoopGroup,
                               onRecord: (ByteBuffer) async throws -> Void) async throws {
        let channel = try await connect(path: path, group: group)
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: QueueSocketRequest.consume(queue: queue, format: format).line))
            var scanner = QueueStreamScanner(format: format)
            for try await chunk in inbound {
                scanner.append(chunk)
                while let record = try scanner.nextRecord() {
                    switch record {
                    case let .item(bytes): try await onRecord(bytes)
                    case let .error(reason): throw QueueError.server(reason)
                    }
                }
            }
        }
    }

    /// The statistics of every queue of the server listening at `path`.
    public static func list(path: String, group: any EventLoopGroup) async throws -> [QueueStatistics] {
        let channel = try await connect(path: path, group: group)
        let answer: ByteBuffer = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: QueueSocketRequest.list.line))
            var answer = ByteBuffer()
            for try await var chunk in inbound {
                answer.writeBuffer(&chunk)
                guard answer.readableBytes <= QueueStreamFormat.maximumRecordSize else {
                    throw QueueError.malformedStream("LIST answer longer than \(QueueStreamFormat.maximumRecordSize) bytes")
                }
            }
            return answer
        }
        let text = String(buffer: answer)
        if text.hasPrefix("ERR ") {
            throw QueueError.server(String(text.dropFirst(4).trimmingCharacters(in: .newlines)))
        }
        do {
            return try JSONDecoder().decode([QueueStatistics].self, from: Data(text.utf8))
        } catch {
            throw QueueError.malformedStream("LIST answer is not a JSON array of queue statistics: \(error)")
        }
    }

    private static func connect(path: String, group: any EventLoopGroup) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueueError.serverNotRunning(path: path)
        }
        do {
            return try await ClientBootstrap(group: group).connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            // A socket file nobody listens on (the server crashed or stopped): same advice.
            throw QueueError.serverNotRunning(path: path)
        }
    }
}
