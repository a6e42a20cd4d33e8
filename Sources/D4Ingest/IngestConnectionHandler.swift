import D4Archive
import D4Protocol
import D4Queues
import D4Store
import Foundation
import Logging
import NIOCore

/// Everything a connection shares with the others: built once by the server.
struct IngestShared: Sendable {
    var configuration: IngestConfiguration
    var admission: AdmissionCache
    var registry: ConnectionRegistry
    var statistics: StatisticsAggregator
    var archive: ArchiveConfiguration
    var backlogBudget: ArchiveBacklogBudget
    var queues: QueueHub?
    var store: any D4Store
    var logger: Logger
    var sessionIDs: SessionIDSource
}

/// Executes the decisions of one connection's `ConnectionStateMachine`: claims its (sensor, type)
/// slot, hands payloads to the archive and the queues, pauses reading under backpressure, counts,
/// and closes with a recorded reason. One job: the rules are in the state machine.
///
/// Per frame it does only what the rules need (header checks, HMAC, counters): the admission facts
/// are a per-connection copy refreshed when the store generation moves, and accepted payloads are
/// handed to the archive in one batch per socket read.
final class IngestConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    /// A batch is handed over early once it holds this much (a long burst of reads).
    static let batchBytes = 1 << 20

    private let shared: IngestShared
    private var machine: ConnectionStateMachine
    private var facts: AdmissionFacts
    private var factsGeneration: Int64
    /// `facts.maxBacklog(for: sensor)`, kept with the facts.
    private var maxBacklog = Int.max
    private var registryID: Int?
    private var sink: SessionSink?
    private var batch: [SinkFrame] = []
    /// The connection's HMAC signer, once the first frame named the sensor (and so the key).
    private var signer: FrameSigner?
    private var batchBytes = 0
    private var metaHeaderJSON: Data?
    private var sensor: UUID?
    private var closeReason: CloseReason?
    private var framesSinceTick: Int64 = 0
    private var bytesSinceTick: Int64 = 0
    private var headerTimer: Scheduled<Void>?
    private var ticker: RepeatedTask?
    private var pausedForArchive = false
    private var pausedForQueues = false
    private var sessionCounted = false
    private let sourceIP: String
    /// Made once per connection (they capture the loop-bound handler): archive failure and drain.
    private var onArchiveFailure: (@Sendable (CloseReason) -> Void)?
    private var onArchiveDrained: (@Sendable () -> Void)?

    init(shared: IngestShared, sourceIP: String) {
        self.shared = shared
        self.sourceIP = sourceIP
        self.machine = ConnectionStateMachine(sourceIP: sourceIP)
        self.facts = shared.admission.current
        self.factsGeneration = facts.generation
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if let refusal = ConnectionStateMachine.admitConnection(sourceIP: sourceIP, facts: facts) {
            close(context: context, reason: refusal)
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        registryID = shared.registry.register(sourceIP: sourceIP) { reason in
            loop.execute { loopBound.value.0.close(context: loopBound.value.1, reason: reason) }
        }
        onArchiveFailure = { reason in
            loop.execute { loopBound.value.0.close(context: loopBound.value.1, reason: reason) }
        }
        onArchiveDrained = {
            loop.execute { loopBound.value.0.resume(.archive, context: loopBound.value.1) }
        }
        let timeout = shared.configuration.headerTimeout
        headerTimer = loop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)) {
            loopBound.value.0.close(context: loopBound.value.1, reason: .headerTimeout(seconds: Int(timeout.components.seconds)))
        }
        let interval = shared.configuration.tickInterval
        let nanos = Int64(interval.components.seconds) * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000
        ticker = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(nanos), delay: .nanoseconds(nanos)) { _ in
            loopBound.value.0.tick()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    // MARK: frames

    /// The facts in force: a fresh copy only when the store generation moved since the last one.
    private func refreshFacts() {
        let generation = shared.admission.generation
        guard generation != factsGeneration else { return }
        facts = shared.admission.current
        factsGeneration = facts.generation
        if let sensor { maxBacklog = facts.maxBacklog(for: sensor) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard closeReason == nil else { return }
        let frame = unwrapInboundIn(data)
        if let timer = headerTimer {
            timer.cancel()
            headerTimer = nil
        }
        refreshFacts()
        let now = Date()
        let deferrable = canLeaveAuthenticationToArchive(frame.header)
        let decision = machine.decide(header: frame.header, facts: facts, now: now) { signer in
            self.signer = signer
            return deferrable || frame.isAuthentic(with: signer)
        }
        switch decision {
        case .open(let uuid, let type):
            guard let id = registryID, shared.registry.claim(id: id, uuid: uuid, type: type) else {
                close(context: context, reason: .alreadyConnected(type: type), sensor: uuid)
                return
            }
            sensor = uuid
            maxBacklog = facts.maxBacklog(for: uuid)
            accept(frame, now: now, context: context, authenticated: true)
        case .accept:
            accept(frame, now: now, context: context, authenticated: !deferrable)
        case .metaHeader:
            accept(frame, now: now, context: context, authenticated: true)
        case .close(let reason, let blockSourceIP):
            if blockSourceIP {
                let store = shared.store, ip = sourceIP
                Task { try? await store.blockIP(ip, reason: "sensor \(frame.header.uuid.uuidString.lowercased()) blocks the IPs it comes from") }
            }
            close(context: context, reason: reason, sensor: frame.header.uuid)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOver(context: context)
        context.fireChannelReadComplete()
    }

    /// True for a data frame of the open stream that no analyzer queue wants: its HMAC can be checked
    /// by the archive session, off the event loop (`SessionSink`). Frames that decide anything —
    /// the first, meta headers, type changes — and frames a queue takes are checked here first.
    /// The header rules (UUID, type, timestamp window) are checked here for every frame.
    private func canLeaveAuthenticationToArchive(_ header: FrameHeader) -> Bool {
        guard case .streaming(let uuid, let type, let metaType) = machine.state, header.type == type,
              type != .metaHeader, header.uuid == uuid, header.size > 0, sink != nil else { return false }
        return !(shared.queues?.wants(sensor: uuid, type: type.rawValue, metaType: metaType) ?? false)
    }

    /// `authenticated`: false when the HMAC is left to the archive session (then no queue gets it).
    /// Such a frame is counted in the statistics when accepted here; if its HMAC turns out wrong, the
    /// connection closes with that reason and the frames still in flight behind it stay counted.
    private func accept(_ frame: Frame, now: Date, context: ChannelHandlerContext, authenticated: Bool) {
        framesSinceTick += 1
        bytesSinceTick += Int64(frame.header.size)
        guard frame.header.size > 0 else { return }  // the empty end-of-stream frame
        if frame.header.type == .metaHeader {
            let payload = Array(frame.payload.readableBytesView)
            if case .close(let reason, _) = machine.acceptMetaHeader(payload: payload) {
                close(context: context, reason: reason, sensor: frame.header.uuid)
                return
            }
            metaHeaderJSON = Data(payload)
            return
        }
        guard case .streaming(let uuid, let type, let metaType) = machine.state else { return }
        if sink == nil || sink?.key.metaType != metaType {
            handOver(context: context)  // what the previous session accepted goes to its files
            let key = SessionKey(sensorUUID: uuid, type: type.rawValue, metaType: metaType,
                                 sessionID: shared.sessionIDs.next(), start: now)
            sink = SessionSink(key: key, configuration: shared.archive, metaHeaderJSON: metaHeaderJSON, signer: signer,
                               onFailure: onArchiveFailure ?? { _ in }, onDrained: onArchiveDrained ?? {})
            if !sessionCounted {
                sessionCounted = true
                shared.backlogBudget.sessionOpened()
            }
        }
        guard let sink else { return }
        batch.append(SinkFrame(frame: frame, needsAuthentication: !authenticated))
        batchBytes += frame.payload.readableBytes
        if sink.backlogFrames + batch.count > maxBacklog {
            close(context: context, reason: .backlogExceeded(limit: maxBacklog), sensor: uuid)
            return
        }
        if batchBytes >= Self.batchBytes { handOver(context: context) }
        if authenticated, shared.queues != nil {
            publish(frame, uuid: uuid, type: type, metaType: metaType, session: sink.key.sessionID, context: context)
        }
    }

    /// Gives the accepted payloads to the archive session in one batch, and pauses reading when
    /// the session has more waiting than its share of the backlog budget.
    private func handOver(context: ChannelHandlerContext) {
        guard let sink, !batch.isEmpty else { return }
        sink.append(batch, bytes: batchBytes, now: Date())
        batch.removeAll(keepingCapacity: true)
        batchBytes = 0
        guard !pausedForArchive, closeReason == nil else { return }
        let pauseAbove = shared.backlogBudget.pauseAboveBytes
        if sink.backlogBytes >= pauseAbove, sink.armResume(below: pauseAbove / 4) {
            pause(.archive, context: context)
        }
    }

    // MARK: analyzer queues

    /// Frames waiting for room in a full `block` queue, in order; reading is paused meanwhile.
    private var queueBacklog: [QueueItem] = []

    private func publish(_ frame: Frame, uuid: UUID, type: FrameType, metaType: String?, session: UInt64, context: ChannelHandlerContext) {
        guard let queues = shared.queues else { return }
        func item() -> QueueItem {
            QueueItem(sensor: uuid, type: type.rawValue, metaType: metaType, session: session, timestamp: frame.header.timestamp,
                      payload: Array(frame.payload.readableBytesView))
        }
        guard queueBacklog.isEmpty else {
            queueBacklog.append(item())  // keep the order behind the frame that is waiting
            return
        }
        // The payload is copied only when some queue takes it.
        let result = frame.payload.withUnsafeReadableBytes { bytes in
            queues.publish(sensor: uuid, type: type.rawValue, metaType: metaType, session: session,
                           timestamp: frame.header.timestamp, payload: bytes)
        }
        if case .full = result {
            queueBacklog.append(item())
            pause(.queues, context: context)
            waitForQueueSpace(context: context)
        }
    }

    private func waitForQueueSpace(context: ChannelHandlerContext) {
        guard let queues = shared.queues, let first = queueBacklog.first else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        Task {
            await queues.waitForSpace(for: first)
            loop.execute { loopBound.value.0.drainQueueBacklog(context: loopBound.value.1) }
        }
    }

    /// Publishes the waiting frames in order; resumes reading once all are in.
    private func drainQueueBacklog(context: ChannelHandlerContext) {
        guard let queues = shared.queues else { return }
        while let first = queueBacklog.first {
            if case .full = queues.publish(first) {
                waitForQueueSpace(context: context)
                return
            }
            queueBacklog.removeFirst()
        }
        resume(.queues, context: context)
    }

    // MARK: backpressure

    private enum PauseCause { case archive, queues }

    private func pause(_ cause: PauseCause, context: ChannelHandlerContext) {
        switch cause {
        case .archive: pausedForArchive = true
        case .queues: pausedForQueues = true
        }
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
    }

    private func resume(_ cause: PauseCause, context: ChannelHandlerContext) {
        switch cause {
        case .archive: pausedForArchive = false
        case .queues: pausedForQueues = false
        }
        guard !pausedForArchive, !pausedForQueues, closeReason == nil else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        context.read()
    }

    // MARK: errors and closing

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let protocolError = error as? D4ProtocolError, case .frameTooLarge(let size, let limit) = protocolError {
            close(context: context, reason: .frameTooLarge(size: size, limit: limit), sensor: sensor)
        } else if let truncated = error as? FrameAssembler.TruncatedFrameAtEnd {
            var metadata: Logger.Metadata = ["ip": "\(sourceIP)", "problem": "\(truncated)"]
            if let sensor { metadata["sensor"] = "\(sensor.uuidString.lowercased())" }
            shared.logger.notice("incomplete frame at the end of a connection", metadata: metadata)
        } else {
            shared.logger.debug("connection error", metadata: ["ip": "\(sourceIP)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    /// Closes the connection once, recording why on the sensor (if known) and in the log.
    func close(context: ChannelHandlerContext, reason: CloseReason, sensor: UUID? = nil) {
        guard closeReason == nil else { return }
        closeReason = reason
        let uuid = sensor ?? self.sensor
        var metadata: Logger.Metadata = ["ip": "\(sourceIP)", "reason": "\(reason)"]
        if let uuid { metadata["sensor"] = "\(uuid.uuidString.lowercased())" }
        shared.logger.notice("closing connection", metadata: metadata)
        let store = shared.store, ip = sourceIP, text = reason.description
        Task { try? await store.recordAdmissionFailure(sensor: uuid, sourceIP: ip, reason: text, at: Date()) }
        context.close(promise: nil)
    }

    // MARK: periodic

    private func tick() {
        if let uuid = sensor, case .streaming(_, let type, let metaType) = machine.state {
            shared.statistics.record(sensor: uuid, type: Int(type.rawValue), metaType: metaType, sourceIP: sourceIP,
                                     frames: framesSinceTick, bytes: bytesSinceTick, at: Date())
            framesSinceTick = 0
            bytesSinceTick = 0
        }
        sink?.tick(now: Date())
    }

    private var finished = false

    private func finish() {
        guard !finished else { return }
        finished = true
        headerTimer?.cancel()
        ticker?.cancel()
        // Frames accepted before the close are stored, as if handed over one by one.
        if let sink, !batch.isEmpty {
            sink.append(batch, bytes: batchBytes, now: Date())
            batch = []
            batchBytes = 0
        }
        tick()
        onArchiveFailure = nil
        onArchiveDrained = nil
        if sessionCounted { shared.backlogBudget.sessionClosed() }
        if let id = registryID { shared.registry.unregister(id: id) }
        guard let sink else { return }
        self.sink = nil
        let store = shared.store, logger = shared.logger, queues = shared.queues, key = sink.key
        let statistics = shared.statistics
        Task {
            let summary = await sink.close(now: Date())
            // A first-time sensor's record is made by the statistics flush; do it before recording problems on it.
            if !(summary?.problems.isEmpty ?? true) { await statistics.flush() }
            if let queues {
                _ = queues.publish(QueueItem(sensor: key.sensorUUID, type: key.type, metaType: key.metaType, session: key.sessionID,
                                             sequence: 0, timestamp: UInt64(Date().timeIntervalSince1970), payload: [], isSessionEnd: true))
            }
            for problem in summary?.problems ?? [] {
                logger.warning("archive problem", metadata: ["sensor": "\(key.sensorUUID.uuidString.lowercased())", "problem": "\(problem.message)"])
                try? await store.recordSensorError(key.sensorUUID, reason: problem.message, at: Date())
            }
        }
    }
}
