import NIOCore
import NIOHTTPTypes

/// Sits in every connection's pipeline (after the HTTP/1 codec) and reports when response body parts
/// are written, by attaching a promise to each `.body` write. Hummingbird's response writer writes
/// without promises; this is how a long-lived stream learns which of its bytes reached the socket.
///
/// It also reports the client closing its side: Hummingbird allows half-closed connections, so a
/// client that goes away while a stream waits for items would otherwise go unnoticed until the next
/// write.
final class WriteReceiptHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let receipts = WriteReceipts()
    private var response = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case let .head(head):
            // 1xx heads precede the real one and carry no body.
            if head.status.kind != .informational {
                response &+= 1
                receipts.responseStarted()
            }
            context.write(data, promise: promise)
        case let .body(buffer):
            let tracked = promise ?? context.eventLoop.makePromise(of: Void.self)
            let receipts = receipts
            let response = response
            let bytes = buffer.readableBytes
            tracked.futureResult.whenComplete { result in
                if case .success = result {
                    receipts.bodyWriteCompleted(response: response, bytes: bytes, succeeded: true)
                } else {
                    receipts.bodyWriteCompleted(response: response, bytes: bytes, succeeded: false)
                }
            }
            context.write(data, promise: tracked)
        case .end:
            context.write(data, promise: promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            receipts.peerClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        receipts.connectionClosed()
        context.fireChannelInactive()
    }

    /// The receipts of `channel`'s connection and the index of the response being written, or nil when
    /// the pipeline has no such handler (a server built without `WebServer`).
    static func receipts(of channel: any Channel) async -> (receipts: WriteReceipts, response: Int)? {
        try? await channel.eventLoop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: WriteReceiptHandler.self)
            return (handler.receipts, handler.receipts.currentResponse)
        }.get()
    }
}
