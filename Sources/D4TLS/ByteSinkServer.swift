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
        let connections = ConnectionRegistry()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let context {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    let id = connections.add(child)
                    try child.pipeline.syncOperations.addHandler(SinkHandler(id: id, onBytes: onBytes, onClose: { id in
                        connections.remove(id)
                        onClose(id)
                    }))
                }
            }
            .bind(host: host, port: port).get()
        return ByteSinkServer(port: channel.localAddress?.port ?? port, channel: channel, connections: connections)
    }

    private let connections: ConnectionRegistry

    private init(port: Int, channel: Channel, connections: ConnectionRegistry) {
        self.port = port
        self.channel = channel
        self.connections = connections
    }

    /// Stops listening and drops every open connection at once (like a server that dies).
    public func close() async throws {
        try await channel.close()
        for child in connections.all() { try? await child.close() }
    }
}

/// Open connections by id, so `close()` can drop them all.
private final class ConnectionRegistry: Sendable {
    private let state = NIOLockedValueBox<(next: Int, channels: [Int: Channel])>((0, [:]))
    func add(_ channel: Channel) -> Int {
        state.withLockedValue { state in
            state.next += 1
            state.channels[state.next] = channel
            return state.next
        }
    }
    func remove(_ id: Int) { state.withLockedValue { _ = $0.channels.removeValue(forKey: id) } }
    func all() -> [Channel] { state.withLockedValue { Array($0.channels.values) } }
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
