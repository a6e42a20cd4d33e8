import D4Queues
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Writes one queue subscription to one HTTP response, exactly like the Unix socket's consumer does
/// to its connection: same bytes, same end-of-stream `ERR <reason>` line.
///
/// - Backpressure: the next items are taken only after every byte of the previous ones was written to
///   the socket (write promises, see `WriteReceiptHandler`), so a slow client holds items in the queue
///   — where `block` queues push back on ingest — not in server memory.
/// - No silent loss: when the client goes away, the items whose bytes had not all been written go
///   back to the head of the queue for the next consumer (bytes already in the kernel's socket buffer
///   when a client vanishes are lost, as with the socket).
/// - Ends when the client disconnects (the subscription closes at once, even while waiting for an
///   item), when the queue is removed, or on the server's graceful shutdown.
struct QueueStreamer: Sendable {
    let subscription: QueueSubscription
    let format: QueueStreamFormat
    let channel: any Channel
    let batchSize: Int
    let logger: Logger

    func stream(to writer: inout any ResponseBodyWriter) async throws {
        defer { subscription.close() }
        let tracking = await WriteReceiptHandler.receipts(of: channel)
        let subscription = subscription
        // The client going away ends a parked `next` (it returns nil) at once.
        if let tracking {
            tracking.receipts.onPeerGone { subscription.close() }
        } else {
            channel.closeFuture.whenComplete { _ in subscription.close() }
        }
        let delivered = try await withGracefulShutdownHandler {
            try await deliver(to: &writer, tracking: tracking)
        } onGracefulShutdown: {
            subscription.close()
        }
        guard delivered, channel.isActive, tracking?.receipts.isPeerGone != true else {
            // Nobody to finish the response for: close, so the connection does not linger half-open.
            try? await channel.close()
            return
        }
        // Same words as the socket consumer; readers of both formats recognise the `ERR ` line.
        let reason = "queue \"\(subscription.queueName)\" was removed or the server is stopping"
        try await writer.write(ByteBuffer(string: "ERR \(reason)\n"))
        try await writer.finish(nil)
    }

    /// Streams until the subscription ends (true) or the client is gone (false).
    private func deliver(to writer: inout any ResponseBodyWriter,
                         tracking: (receipts: WriteReceipts, response: Int)?) async throws -> Bool {
        var bodyBytes = 0
        while let batch = await subscription.next(maxCount: batchSize) {
            var buffers: [ByteBuffer] = []
            var ends: [Int] = []
            buffers.reserveCapacity(batch.count)
            ends.reserveCapacity(batch.count)
            for item in batch {
                var buffer = channel.allocator.buffer(capacity: 0)
                QueueItemEncoder.write(item, queue: subscription.queueName, format: format, into: &buffer)
                bodyBytes += buffer.readableBytes
                ends.append(bodyBytes)
                buffers.append(buffer)
            }
            do {
                try await writer.write(contentsOf: buffers)
            } catch {
                subscription.giveBack(batch)
                logger.debug("queue stream \(subscription.queueName): client gone, \(batch.count) items given back")
                return false
            }
            guard let tracking else { continue }
            if case let .failed(written) = await tracking.receipts.waitUntilWritten(response: tracking.response, bytes: bodyBytes) {
                // Items written whole reached the client; the rest go back in order.
                let firstUnwritten = ends.firstIndex { $0 > written } ?? batch.count
                let unwritten = Array(batch[firstUnwritten...])
                subscription.giveBack(unwritten)
                logger.debug("queue stream \(subscription.queueName): client gone, \(unwritten.count) items given back")
                return false
            }
        }
        return true
    }
}
