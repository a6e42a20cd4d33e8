import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A small TLS (or plain TCP) server on loopback that hands every received chunk to a closure.
/// It is what the sensor benchmark streams into and what sensor tests stand up in place of a D4
/// server; it is not the D4 server (no framing, no rules).
public final class ByteSinkServer: Sendable {
    public let port: Int
    private let channel: Channel

    /// `onBytes(connectionID, bytes)` runs on the event loop of that connection; `onClose(connectionID)`
    /// when it ends.
    public static func start(host: String = "127.0.0.1", port: Int = 0, identity: ServerIdentity?,
                             group: EventLoopGroup,
                             onBytes: @escaping @Sendable (Int, ByteBuffer) -> Void,
                             onClose: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> ByteSinkServer {
        let context = try identity?.makeServerContext()
        let counter = ConnectionCounter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let context {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try child.pipeline.syncOperations.addHandler(SinkHandler(id: counter.next(), onBytes: onBytes, onClose: onClose))
                }
            }
            .bind(host: host, port: port).get()
        return ByteSinkServer(port: channel.localAddress?.port ?? port, channel: channel)
    }

    private init(port: Int, channel: Channel) {
        self.port = port
        self.channel = channel
    }

    public func close() async throws {
        try await channel.close()
    }
}

private final class ConnectionCounter: @unchecked Sendable {
    // Only touched from child channel initializers, serialized by the lock.
    private let lock = NIOLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

private final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let id: Int
    private let onBytes: @Sendable (Int, ByteBuffer) -> Void
    private let onClose: @Sendable (Int) -> Void

    init(id: Int, onBytes: @escaping @Sendable (Int, ByteBuffer) -> Void, onClose: @escaping @Sendable (Int) -> Void) {
        self.id = id
        self.onBytes = onBytes
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onBytes(id, unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client finished sending (half-close / close_notify): close our side too.
        if let channelEvent = event as? ChannelEvent, case .inputClosed = channelEvent { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose(id)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
