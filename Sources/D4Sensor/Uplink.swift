import D4Protocol
import D4TLS
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Sends frames to a D4 server and keeps doing so through outages: reconnects with backoff, spools
/// to disk while disconnected, replays the spool in order, re-sends the meta header on each new
/// connection and resumes a pcap stream at a record boundary behind a fresh global header.
public final class Uplink {
    public struct Report: Sendable, Equatable {
        public var framesSent = 0
        public var bytesSent = 0
        public var connections = 0
        public var framesSpooled = 0
        public var framesDroppedBySpool = 0
        public var bytesSkippedForResync = 0
        public var framesLeftInSpool = 0
    }

    private let settings: SensorSettings
    private let host: String
    private let port: Int
    private let tlsContext: NIOSSLContext?
    private let group: EventLoopGroup
    private let signer: FrameSigner
    private let spool: FrameSpool
    private let logger: Logger
    private let stop: StopSignal
    private var backoff: ReconnectBackoff
    private var report = Report()
    /// A frame taken from the handoff that a full (blocking) spool could not take yet.
    private var held: OutgoingFrame?
    /// The last connection ended in the middle of a stream: the next one must resume it.
    private var resumeMidStream = false
    private var pendingResync = false

    public init(settings: SensorSettings, group: EventLoopGroup, logger: Logger, stop: StopSignal) throws {
        self.settings = settings
        switch settings.destination {
        case .tls(let host, let port):
            (self.host, self.port) = (host, port)
            tlsContext = try settings.trust.makeClientContext()
        case .tcp(let host, let port):
            (self.host, self.port) = (host, port)
            tlsContext = nil
        case .standardOutput:
            preconditionFailure("the uplink is for network destinations")
        }
        self.group = group
        self.signer = try FrameSigner(key: settings.key)
        self.spool = try FrameSpool(directory: settings.stateDirectory.appendingPathComponent("spool"),
                                    maximumBytes: settings.spoolMaximumBytes, policy: settings.spoolPolicy)
        self.logger = logger
        self.stop = stop
        self.backoff = settings.backoff
        if !spool.isEmpty {
            logger.info("spool holds frames from an earlier run; they are sent first", metadata: ["frames": "\(spool.frameCount)"])
            resumeMidStream = true  // we cannot know where the earlier connection stopped
        }
    }

    /// Runs until the input's last frame reached the server, or `stop` is signalled (then whatever is
    /// still queued is spooled for the next start).
    public func run(frames: FrameHandoff) async throws -> Report {
        var nextAttempt = ContinuousClock.now
        while !stop.isStopped {
            if ContinuousClock.now < nextAttempt {
                try await spoolUntil(nextAttempt, frames: frames)
                continue
            }
            let outcome: ConnectionOutcome
            do {
                outcome = try await connectAndSend(frames: frames)
            } catch {
                let delay = backoff.nextDelay()
                logger.warning("cannot reach \(host):\(port): \(Self.describe(error)); retrying in \(Self.format(delay))")
                nextAttempt = ContinuousClock.now + delay
                continue
            }
            switch outcome {
            case .inputFinished:
                return finalReport()
            case .sessionFinished:
                continue
            case .lost(let reason):
                resumeMidStream = true
                let delay = backoff.nextDelay()
                logger.warning("connection to \(host):\(port) lost (\(reason)); reconnecting in \(Self.format(delay))",
                               metadata: ["spooled": "\(spool.frameCount)"])
                nextAttempt = ContinuousClock.now + delay
            case .stopped:
                break
            }
        }
        // Stopping: keep what is still queued for the next start.
        if let held { _ = try spool.append(held); self.held = nil }
        while case .frame(let frame) = await frames.next(timeout: .milliseconds(50)) {
            if try !spool.append(frame) { break }
        }
        return finalReport()
    }

    private func finalReport() -> Report {
        var final = report
        final.framesLeftInSpool = spool.frameCount
        final.framesDroppedBySpool = spool.droppedFrames
        return final
    }

    // MARK: disconnected

    /// While waiting to reconnect, move frames from the handoff to the spool (unless it is full and
    /// the policy is to block: then the handoff fills up and the source pauses).
    private func spoolUntil(_ deadline: ContinuousClock.Instant, frames: FrameHandoff) async throws {
        while ContinuousClock.now < deadline, !stop.isStopped {
            if let frame = held {
                guard try spool.append(frame) else {
                    try await Task.sleep(until: min(deadline, .now + .milliseconds(200)), clock: .continuous)
                    continue
                }
                held = nil
                report.framesSpooled += 1
            }
            switch await frames.next(timeout: min(deadline - .now, .milliseconds(200))) {
            case .frame(let frame):
                if try spool.append(frame) { report.framesSpooled += 1 } else { held = frame }
            case .timedOut:
                continue
            case .finished:
                try await Task.sleep(until: deadline, clock: .continuous)
            }
        }
    }

    // MARK: connected

    private enum ConnectionOutcome { case inputFinished, sessionFinished, lost(String), stopped }

    private func connectAndSend(frames: FrameHandoff) async throws -> ConnectionOutcome {
        let tls = tlsContext
        let trust = settings.trust
        let host = self.host
        let handshake = group.any().makePromise(of: Void.self)
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(settings.connectTimeout.components.seconds) * 1_000_000_000))
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try trust.makeClientHandler(context: tls, hostname: host))
                            try channel.pipeline.syncOperations.addHandler(HandshakeCompletion(promise: handshake))
                        } else {
                            handshake.succeed(())
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
        } catch {
            handshake.fail(error)
            throw error
        }
        do {
            try await handshake.futureResult.get()
        } catch {
            try? await channel.channel.close()
            throw error
        }
        report.connections += 1
        logger.info("connected to \(host):\(port)", metadata: ["spooled": "\(spool.frameCount)"])
        let peerClosed = PeerClosedFlag()
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A D4 server sends nothing: any end of the inbound side means the connection is gone.
                group.addTask {
                    do { for try await _ in inbound {} } catch { peerClosed.set(reason: Self.describe(error)) }
                    peerClosed.set(reason: "server closed the connection")
                }
                let outcome = try await sendFrames(frames: frames, outbound: outbound, peerClosed: peerClosed)
                switch outcome {
                case .inputFinished, .sessionFinished, .stopped:
                    outbound.finish()  // flush, then TLS close_notify and FIN
                    // Wait (bounded) for the server to close its side: then everything was read.
                    group.addTask { try? await Task.sleep(for: .seconds(10)) }
                    _ = try? await group.next()
                case .lost:
                    break
                }
                group.cancelAll()
                return outcome
            }
        }
    }

    private func sendFrames(frames: FrameHandoff, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                            peerClosed: PeerClosedFlag) async throws -> ConnectionOutcome {
        var sentOnThisConnection = false
        pendingResync = resumeMidStream
        resumeMidStream = false
        if let meta = settings.metaHeader {
            try await write(OutgoingFrame(type: .metaHeader, timestamp: timestamp(), payload: ByteBuffer(bytes: meta.json)), to: outbound)
        }
        while true {
            if let reason = peerClosed.reason { return .lost(reason) }
            if stop.isStopped { return .stopped }
            let frame: OutgoingFrame
            let fromSpool: Bool
            if let spooled = try spool.peek() {
                frame = spooled
                fromSpool = true
            } else if let waiting = held {
                frame = waiting
                held = nil
                fromSpool = false
            } else {
                switch await frames.next(timeout: .milliseconds(500)) {
                case .frame(let next): frame = next
                case .timedOut: continue
                case .finished: return .inputFinished
                }
                fromSpool = false
            }
            do {
                try await send(frame, to: outbound)
            } catch {
                if !fromSpool, try !spool.append(frame) { held = frame }
                return .lost(peerClosed.reason ?? Self.describe(error))
            }
            if fromSpool { try spool.removeFirst() }
            if !sentOnThisConnection {
                sentOnThisConnection = true
                backoff.reset()
            }
            switch frame.kind {
            case .data: continue
            case .sessionEnd: return .sessionFinished
            case .inputEnd: return .inputFinished
            }
        }
    }

    /// Writes one frame, first resuming an interrupted pcap stream when needed.
    private func send(_ frame: OutgoingFrame, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        guard pendingResync, frame.kind == .data else {
            if frame.kind != .data { pendingResync = false }
            try await write(frame, to: outbound)
            return
        }
        guard frame.type == .pcap else {
            // Text and other types continue where they stopped: the server re-assembles lines.
            pendingResync = false
            try await write(frame, to: outbound)
            return
        }
        var trimmed = frame
        if !frame.startsAtRecord {
            guard let first = frame.firstRecordOffset else {
                report.bytesSkippedForResync += frame.payload.readableBytes
                return  // the whole frame is the tail of a record whose start went to the old connection
            }
            report.bytesSkippedForResync += first
            trimmed.payload.moveReaderIndex(forwardBy: first)
        }
        if let header = frame.pcapHeader {
            try await write(OutgoingFrame(type: .pcap, timestamp: frame.timestamp, payload: ByteBuffer(bytes: header)), to: outbound)
        }
        pendingResync = false
        logger.info("resumed the pcap stream at a record boundary behind a new global header",
                    metadata: ["skipped_bytes": "\(report.bytesSkippedForResync)"])
        try await write(trimmed, to: outbound)
    }

    private func write(_ frame: OutgoingFrame, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        var header = ByteBuffer()
        header.reserveCapacity(FrameHeader.size)
        let size = frame.payload.readableBytes
        _ = header.writeWithUnsafeMutableBytes(minimumWritableBytes: FrameHeader.size) { raw in
            FrameHeader(version: settings.version, type: frame.type, uuid: settings.uuid, timestamp: frame.timestamp,
                        size: UInt32(size)).encode(into: raw)
            return FrameHeader.size
        }
        let mac = header.withUnsafeReadableBytes { head in
            frame.payload.withUnsafeReadableBytes { body in signer.authenticationCode(header: head, payload: body) }
        }
        header.withUnsafeMutableReadableBytes { raw in
            mac.write(into: UnsafeMutableRawBufferPointer(rebasing: raw[FrameHeader.hmacRange]))
        }
        if size > 0 {
            try await outbound.write(contentsOf: [header, frame.payload])
        } else {
            try await outbound.write(header)
        }
        report.framesSent += 1
        report.bytesSent += FrameHeader.size + size
    }

    private func timestamp() -> UInt64 { settings.fixedTimestamp ?? UInt64(time(nil)) }

    static func format(_ delay: Duration) -> String {
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        return milliseconds < 1000 ? "\(milliseconds) ms" : String(format: "%.1f s", Double(milliseconds) / 1000)
    }

    static func describe(_ error: any Error) -> String {
        if let ssl = error as? NIOSSLError { return "TLS: \(ssl)" }
        if let io = error as? IOError { return io.description }
        return "\(error)"
    }
}

/// Set once by the inbound watcher when the connection ends.
final class PeerClosedFlag: Sendable {
    private let value = Mutex<String?>(nil)
    func set(reason: String) { value.withLock { if $0 == nil { $0 = reason } } }
    var reason: String? { value.withLock { $0 } }
}
