import D4Archive
import D4Protocol
import D4Queues
import D4Store
import D4TLS
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The D4 listener: TLS on every configured address, one small pipeline per connection
/// (TLS → frame decoder → ingest handler), plus the periodic work (statistics to the store, admin
/// changes to open connections).
public final class IngestServer: Sendable {
    public let boundAddresses: [SocketAddress]
    private let channels: [Channel]
    private let shared: IngestShared
    private let background: Task<Void, Never>

    public static func start(configuration: IngestConfiguration, identity: ServerIdentity, store: any D4Store,
                             archive: ArchiveConfiguration, queues: QueueHub?, group: EventLoopGroup,
                             logger: Logger) async throws -> IngestServer {
        let shared = IngestShared(configuration: configuration, admission: try await AdmissionCache(store: store),
                                  registry: ConnectionRegistry(), statistics: StatisticsAggregator(store: store, logger: logger,
                                                                                observer: configuration.statisticsObserver),
                                  archive: archive, backlogBudget: ArchiveBacklogBudget(), queues: queues, store: store,
                                  logger: logger, sessionIDs: SessionIDSource())
        // Every sensor is a descriptor: the usual soft limit of 1,024 would refuse the 1,000th.
        let descriptors = DescriptorLimit.raiseSoftLimit()
        if descriptors < 4096 {
            logger.warning("only \(descriptors) file descriptors allowed (ulimit -Hn): that many sensors at most")
        }
        let context = try identity.makeServerContext()
        var channels: [Channel] = []
        do {
            for address in configuration.listen {
                let channel = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 1024)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelOption(.allowRemoteHalfClosure, value: false)
                    // One socket read (≤ 64 KiB) per wake-up, not NIO's default 4: the TLS layer
                    // decrypts a wake-up's reads into one buffer that keeps its largest size per
                    // connection — 512 KiB each, 524 MB of 1,000 sensors' 590 MB (heaptrack).
                    .childChannelOption(.maxMessagesPerRead, value: 1)
                    .childChannelInitializer { child in
                        child.eventLoop.makeCompletedFuture {
                            let sourceIP = child.remoteAddress?.ipAddress ?? "unknown"
                            try child.pipeline.syncOperations.addHandlers([
                                NIOSSLServerHandler(context: context),
                                FrameAssembler(maximumFrameSize: shared.admission.current.maxFrameSize),
                                IngestConnectionHandler(shared: shared, sourceIP: Self.canonical(sourceIP)),
                            ])
                        }
                    }
                    .bind(host: address.host, port: address.port).get()
                channels.append(channel)
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw IngestError.cannotListen(configuration.listen.map(\.description).joined(separator: ", "), "\(error)")
        }
        let background = Task { await Self.periodicWork(shared: shared) }
        return IngestServer(boundAddresses: channels.compactMap(\.localAddress), channels: channels, shared: shared, background: background)
    }

    private init(boundAddresses: [SocketAddress], channels: [Channel], shared: IngestShared, background: Task<Void, Never>) {
        self.boundAddresses = boundAddresses
        self.channels = channels
        self.shared = shared
        self.background = background
    }

    /// Open connections right now.
    public var connectionCount: Int { shared.registry.count }

    /// Stops accepting, closes every connection (complete frames already received are stored),
    /// closes the archive files and writes the last statistics.
    public func shutdown() async {
        for channel in channels { try? await channel.close() }
        for entry in shared.registry.entries { entry.close(.serverShutdown) }
        let deadline = ContinuousClock.now + .seconds(10)
        while shared.registry.count > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        background.cancel()
        // Connections hand their last counters over as they finish; then one final write.
        try? await Task.sleep(for: .milliseconds(50))
        await shared.statistics.flush()
    }

    /// Writes statistics and applies admin changes to open connections until cancelled.
    private static func periodicWork(shared: IngestShared) async {
        var lastStatistics = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: shared.configuration.adminRefreshInterval)
            if ContinuousClock.now - lastStatistics >= shared.configuration.statisticsInterval {
                lastStatistics = .now
                await shared.statistics.flush()
            }
            do {
                if let facts = try await shared.admission.refreshIfChanged() {
                    revoke(facts: facts, shared: shared)
                    // Queue definitions move the same generation: pass them to the hub.
                    if let queues = shared.queues {
                        queues.update(specs: try await shared.store.queues().compactMap(QueueSpec.init(definition:)))
                    }
                }
            } catch where !Task.isCancelled {
                shared.logger.error("cannot refresh admission facts: \(String(reflecting: error))")
            } catch {
                return  // shutting down
            }
        }
    }

    /// Closes open connections that the new facts no longer admit (blocked, kicked, unapproved, IP blocklisted).
    private static func revoke(facts: AdmissionFacts, shared: IngestShared) {
        let now = Date()
        for entry in shared.registry.entries {
            if facts.isBlocked(ip: entry.sourceIP) {
                entry.close(.revokedWhileConnected(CloseReason.sourceIPBlocked(entry.sourceIP).description))
                continue
            }
            guard let uuid = entry.uuid, let type = entry.type else { continue }
            if case .close(let reason, _) = ConnectionStateMachine.admissionRefusal(uuid: uuid, type: type, sourceIP: entry.sourceIP,
                                                                                   facts: facts, now: now) {
                entry.close(.revokedWhileConnected(reason.description))
            }
        }
    }

    /// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, seen on dual-stack sockets) as plain IPv4.
    static func canonical(_ ip: String) -> String {
        ip.lowercased().hasPrefix("::ffff:") && ip.contains(".") ? String(ip.dropFirst(7)) : ip
    }
}

public enum IngestError: Error, CustomStringConvertible {
    case cannotListen(String, String)

    public var description: String {
        switch self {
        case .cannotListen(let addresses, let why): return "cannot listen on \(addresses): \(why)"
        }
    }
}
