import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Serves a `QueueHub` on a Unix domain socket (e.g. `<data dir>/run/queues.sock`) for analyzers
/// outside the server process, and for `d4 queue consume` / `d4 queue list`.
///
/// Protocol: the client sends one line, `CONSUME <queue> <ndjson|raw>\n` or `LIST\n`.
/// - `CONSUME`: the client becomes a consumer of the queue (sharing its items with the other consumers)
///   and receives items in `QueueStreamFormat` until it disconnects; `ERR <reason>\n` ends the stream if
///   the queue is removed.
/// - `LIST`: one line holding a JSON array of `QueueStatistics`, then the server closes.
/// - Anything else, or an unknown queue: one line `ERR <reason>\n` (an unknown queue's reason lists the
///   known names), then the server closes.
///
/// The socket file is made readable and writable by its owner and group only (0660): queue items are
/// sensor data.
public final class QueueSocketServer: Sendable {
    public let path: String
    private let listener: any Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    private init(path: String, listener: any Channel, connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>) {
        self.path = path
        self.listener = listener
        self.connections = connections
    }

    /// Binds the socket, creating its folder when needed. A stale socket file left by a crashed server
    /// is replaced; a socket another running server still answers on is not.
    public static func start(path: String, hub: QueueHub, group: any EventLoopGroup) async throws -> QueueSocketServer {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        }
        if FileManager.default.fileExists(atPath: path), await isAnswering(path: path, group: group) {
            throw QueueSocketServerError.alreadyServing(path: path)
        }
        let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                let key = ObjectIdentifier(channel)
                connections.withLockedValue { $0[key] = channel }
                channel.closeFuture.whenComplete { _ in
                    _ = connections.withLockedValue { $0.removeValue(forKey: key) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(QueueConnectionHandler(hub: hub))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        if chmod(path, 0o660) != 0 {
            let reason = String(cString: strerror(errno))
            try? await listener.close().get()
            throw QueueSocketServerError.permissions(path: path, reason: reason)
        }
        return QueueSocketServer(path: path, listener: listener, connections: connections)
    }

    /// Stops accepting, disconnects every client (their in-flight items go back to their queues) and
    /// removes the socket file.
    public func close() async throws {
        try? await listener.close().get()
        let open = connections.withLockedValue { Array($0.values) }
        for channel in open {
            try? await channel.close().get()
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func isAnswering(path: String, group: any EventLoopGroup) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: group).connect(unixDomainSocketPath: path).get()
            try? await channel.close().get()
            return true
        } catch {
            return false
        }
    }
}
