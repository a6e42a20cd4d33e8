import Foundation
import NIOCore

/// One client of the queue socket: reads its request line, then answers `LIST` or streams a queue.
final class QueueConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let hub: QueueHub
    private var request = ByteBuffer()
    private var answered = false
    private var consumer: Task<Void, Never>?

    init(hub: QueueHub) {
        self.hub = hub
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !answered else { return }  // a consumer sends nothing after its request
        request.writeBuffer(&bytes)
        guard let newline = request.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if request.readableBytes > QueueSocketRequest.maximumLength {
                answer(error: QueueError.badRequest("request line longer than \(QueueSocketRequest.maximumLength) bytes"), context: context)
            }
            return
        }
        answered = true
        let line = request.readString(length: newline - request.readerIndex) ?? ""
        do {
            switch try QueueSocketRequest(line: line) {
            case .list:
                answerList(context: context)
            case let .consume(queue, format):
                let subscription = try hub.subscribe(queue)
                consumer = Self.startStreaming(subscription, format: format, to: context.channel)
            }
        } catch {
            answer(error: error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        consumer?.cancel()  // ends a parked wait for the next item; the subscription closes
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answerList(context: ChannelHandlerContext) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var buffer = context.channel.allocator.buffer(capacity: 1024)
        do {
            buffer.writeBytes(try encoder.encode(hub.statistics()))
        } catch {
            answer(error: error, context: context)
            return
        }
        buffer.writeStaticString("\n")
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    private func answer(error: any Error, context: ChannelHandlerContext) {
        answered = true
        let reason = "\(error)".replacingOccurrences(of: "\n", with: " ")
        let buffer = context.channel.allocator.buffer(string: "ERR \(reason)\n")
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    private static func startStreaming(_ subscription: QueueSubscription, format: QueueStreamFormat,
                                       to channel: any Channel) -> Task<Void, Never> {
        Task { await stream(subscription, format: format, to: channel) }
    }

    /// Most items taken and written per round: fewer wake-ups and flushes for a busy queue.
    static let batchSize = 64

    /// Writes the queue's items to the client until either side ends. Each item is written with its own
    /// promise: items whose write failed go back to the head of the queue, so a disconnect loses none
    /// that had not reached the socket.
    static func stream(_ subscription: QueueSubscription, format: QueueStreamFormat, to channel: any Channel) async {
        defer { subscription.close() }
        while let batch = await subscription.next(maxCount: batchSize) {
            var buffers: [ByteBuffer] = []
            buffers.reserveCapacity(batch.count)
            for item in batch {
                var buffer = channel.allocator.buffer(capacity: 0)
                QueueItemEncoder.write(item, queue: subscription.queueName, format: format, into: &buffer)
                buffers.append(buffer)
            }
            let encoded = buffers
            let writes: [EventLoopFuture<Void>]
            do {
                writes = try await channel.eventLoop.submit {
                    let futures = encoded.map { channel.write($0) }
                    channel.flush()
                    return futures
                }.get()
            } catch {
                subscription.giveBack(batch)
                return
            }
            // Writes complete in order: the first failure marks where delivery stopped.
            for (position, write) in writes.enumerated() {
                do {
                    try await write.get()
                } catch {
                    subscription.giveBack(Array(batch[position...]))
                    channel.close(promise: nil)
                    return
                }
            }
        }
        if !Task.isCancelled && channel.isActive {
            let reason = "queue \"\(subscription.queueName)\" was removed or the server is stopping"
            let buffer = channel.allocator.buffer(string: "ERR \(reason)\n")
            try? await channel.writeAndFlush(buffer).get()
        }
        try? await channel.close().get()
    }
}
