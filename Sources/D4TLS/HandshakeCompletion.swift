import NIOCore
import NIOSSL
import NIOTLS

/// Completes a promise once the TLS handshake is done (or fails with why it was not), so a client
/// sends nothing before the server is verified: bytes written earlier wait inside the TLS handler and
/// are silently lost when verification fails.
public final class HandshakeCompletion: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny
    private let promise: EventLoopPromise<Void>
    private var completed = false

    public init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    private func complete(_ result: Result<Void, Error>) {
        guard !completed else { return }
        completed = true
        promise.completeWith(result)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            complete(.success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        complete(.failure(error))
        context.fireErrorCaught(error)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(TLSSetupError.closedDuringHandshake))
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        complete(.failure(TLSSetupError.closedDuringHandshake))
    }
}
