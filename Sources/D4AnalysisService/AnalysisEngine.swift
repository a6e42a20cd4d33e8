import D4Analysis
import D4Queues
import D4Results
import D4Store
import Foundation
import Logging
import PacketCapture

/// The state of the live analysis: one `TelescopeAnalyzer` fed by every sensor session (attacks seen by
/// several sensors merge per victim), the sessions' re-assembly, and the results waiting to be written.
///
/// An actor so that the queue consumer and the periodic flush take turns; each call is synchronous
/// inside (one hop per batch of items, none per packet). Store writes happen outside, by the caller,
/// with what `takeAttackRecords` / `takeBotnetRecords` hand out.
actor AnalysisEngine {
    struct SessionKey: Hashable {
        var sensor: UUID
        var session: UInt64
    }

    private let configuration: LiveAnalyzerConfiguration
    private let logger: Logger
    private var analyzer: TelescopeAnalyzer
    private var sessions: [SessionKey: SessionStream] = [:]
    private var statistics = LiveAnalyzerStatistics()
    /// Latest snapshot per attack id, not yet written (the closing one replaces running ones).
    private var pendingAttacks: [String: AttackRecord] = [:]
    /// Attack ids in the order they became pending, to discard the oldest when the store is down.
    private var pendingOrder: [String] = []
    /// Sequence number of the last item taken (0 before the first).
    private var lastSequence: UInt64 = 0
    /// Wall time at which the analyzer's clock last moved: between packets, capture time is taken to
    /// advance with the wall clock, so attacks close on the idle timeout when traffic stops, while a
    /// replayed old capture (capture time far behind the wall clock) is not closed early.
    private var wallAtClockAdvance: Double
    /// Closed botnet periods already handed out for writing.
    private var writtenHours = 0
    private var writtenDays = 0
    /// Scan packets counted at the last botnet hand-out (nothing new: nothing to write).
    private var scanPacketsAtLastBotnetWrite = -1
    private var finished = false

    init(configuration: LiveAnalyzerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        analyzer = TelescopeAnalyzer(configuration: configuration.analysis)
        wallAtClockAdvance = configuration.wallClock()
    }

    // MARK: input

    /// Analyses a batch of queue items.
    func process(_ items: [QueueItem]) {
        guard !finished else { return }
        let now = configuration.wallClock()
        let clockBefore = analyzer.clock
        for item in items {
            noteSequence(item.sequence)
            statistics.items &+= 1
            statistics.bytes &+= item.payload.count
            let key = SessionKey(sensor: item.sensor, session: item.session)
            if item.isSessionEnd {
                endSession(key)
                continue
            }
            guard item.type == 1 else { continue }  // only pcap streams are analysed (a misrouted queue)
            let stream = session(for: key, now: now)
            stream.lastActivity = now
            let outcome = item.payload.withUnsafeBytes { bytes in
                stream.consume(bytes) { record in
                    statistics.packets &+= 1
                    analyzer.observe(record: record) { event in handle(event, now: now) }
                }
            }
            account(outcome, key: key, bytes: item.payload.count)
        }
        if analyzer.clock > clockBefore { wallAtClockAdvance = now }
    }

    /// The queue numbers its items 1, 2, 3…: a gap is what its drop policy evicted (also before we
    /// joined: the queue keeps only its newest items while nobody consumes).
    private func noteSequence(_ sequence: UInt64) {
        defer { lastSequence = sequence }
        guard sequence > lastSequence &+ 1 else { return }
        let lost = Int(clamping: sequence - lastSequence - 1)
        statistics.itemsLostInQueue &+= lost
        bytesLost(reason: "the queue dropped \(lost) items")
    }

    /// The queue was removed and is back (or was rejoined): whatever it held meanwhile is gone, and its
    /// numbering may start again.
    func rejoinedQueue() {
        lastSequence = 0
        bytesLost(reason: "the queue was left and joined again")
    }

    /// We cannot tell whose bytes were lost: every open stream looks for its next record boundary.
    private func bytesLost(reason: String) {
        guard !sessions.isEmpty else { return }
        var rejected = 0
        for stream in sessions.values where !stream.markBytesLost() { rejected += 1 }
        statistics.brokenSessions &+= rejected
        logger.warning("live analysis: \(reason); streams resynchronise", metadata: [
            "sessions": "\(sessions.count)", "sessions_given_up": "\(rejected)"])
    }

    private func session(for key: SessionKey, now: Double) -> SessionStream {
        if let stream = sessions[key] { return stream }
        if sessions.count >= configuration.maximumSessions, let oldest = sessions.min(by: { $0.value.lastActivity < $1.value.lastActivity }) {
            sessions.removeValue(forKey: oldest.key)
            statistics.sessionsEvicted &+= 1
            logger.notice("live analysis: too many sessions, dropped the least recently active", metadata: [
                "sensor": "\(oldest.key.sensor.uuidString.lowercased())", "limit": "\(configuration.maximumSessions)"])
        }
        let stream = SessionStream(recordLimit: configuration.recordLimit, now: now)
        sessions[key] = stream
        statistics.sessionsStarted &+= 1
        return stream
    }

    private func endSession(_ key: SessionKey) {
        guard let stream = sessions.removeValue(forKey: key) else { return }
        statistics.sessionsEnded &+= 1
        if let summary = stream.finish(), summary.truncatedRecordCount > 0 {
            logger.debug("live analysis: a session ended inside a record", metadata: [
                "sensor": "\(key.sensor.uuidString.lowercased())", "trailing_bytes": "\(summary.trailingByteCount)"])
        }
    }

    private func account(_ outcome: SessionStream.Outcome, key: SessionKey, bytes: Int) {
        switch outcome {
        case .read, .resynchronizing:
            break
        case .ignored:
            statistics.ignoredBytes &+= bytes
        case .resynchronized(let discarded):
            statistics.resynchronizations &+= 1
            statistics.resynchronizationSkippedBytes &+= discarded
        case .rejected(let notCapture, let reason):
            statistics.ignoredBytes &+= bytes
            if notCapture { statistics.nonCaptureSessions &+= 1 } else { statistics.brokenSessions &+= 1 }
            logger.warning(notCapture ? "live analysis: a type-1 session is not a pcap capture; ignoring it"
                                      : "live analysis: a session's capture broke; ignoring the rest of it", metadata: [
                "sensor": "\(key.sensor.uuidString.lowercased())", "session": "\(key.session)", "reason": "\(reason)"])
        }
    }

    private func handle(_ event: AttackEvent, now: Double) {
        switch event.kind {
        case .opened: statistics.attacksOpened &+= 1
        case .closed: statistics.attacksClosed &+= 1
        case .updated: break
        }
        let record = AttackRecord(event.attack, node: configuration.node, updatedAt: now)
        if pendingAttacks.updateValue(record, forKey: record.id) == nil { pendingOrder.append(record.id) }
        if pendingOrder.count > configuration.maximumPendingAttacks {
            let excess = pendingOrder.count - configuration.maximumPendingAttacks
            for id in pendingOrder.prefix(excess) { pendingAttacks[id] = nil }
            pendingOrder.removeFirst(excess)
            statistics.attackSnapshotsDiscarded &+= excess
        }
    }

    // MARK: time

    /// Closes attacks idle for the timeout (capture time advanced by the wall time since the last
    /// packet) and drops sessions idle for `sessionIdleTimeout`.
    func tick() {
        guard !finished else { return }
        let now = configuration.wallClock()
        if analyzer.clock.isFinite, now > wallAtClockAdvance {
            let estimate = analyzer.clock + (now - wallAtClockAdvance)
            analyzer.expire(now: estimate) { event in handle(event, now: now) }
            wallAtClockAdvance = now
        }
        let idle = sessions.filter { now - $0.value.lastActivity > configuration.sessionIdleTimeout }
        for key in idle.keys {
            sessions.removeValue(forKey: key)
            statistics.sessionsEvicted &+= 1
        }
    }

    /// End of the analysis (server stopping): every attack closes, the open botnet periods complete.
    /// Returns the final botnet records; the closed attacks are pending for `takeAttackRecords`.
    func finish() -> [BotnetCountRecord] {
        guard !finished else { return [] }
        finished = true
        let now = configuration.wallClock()
        let report = analyzer.finish { event in handle(event, now: now) }
        sessions.removeAll()
        guard configuration.analysis.countsBotnets else { return [] }
        let records = report.hourly.dropFirst(writtenHours).map {
            BotnetCountRecord($0, node: configuration.node, isComplete: true, updatedAt: now)
        } + report.daily.dropFirst(writtenDays).map {
            BotnetCountRecord($0, node: configuration.node, isComplete: true, updatedAt: now)
        }
        writtenHours = report.hourly.count
        writtenDays = report.daily.count
        return records
    }

    // MARK: output

    /// The attack snapshots to write, oldest first; give them back with `restore` if the write fails.
    func takeAttackRecords() -> [AttackRecord] {
        let records = pendingOrder.compactMap { pendingAttacks[$0] }
        pendingAttacks.removeAll(keepingCapacity: true)
        pendingOrder.removeAll(keepingCapacity: true)
        return records
    }

    /// Puts back records whose write failed, unless a newer snapshot of the same attack arrived since.
    func restore(_ records: [AttackRecord]) {
        statistics.storeFailures &+= 1
        for record in records.reversed() where pendingAttacks[record.id] == nil {
            pendingAttacks[record.id] = record
            pendingOrder.insert(record.id, at: 0)
        }
    }

    /// Botnet periods closed since the last call (complete) plus snapshots of the running hour and day.
    /// Empty when no scan packet arrived since the last call.
    func takeBotnetRecords() -> [BotnetCountRecord] {
        guard configuration.analysis.countsBotnets, !finished else { return [] }
        let scans = analyzer.counts.packets(in: .scan)
        guard scans != scanPacketsAtLastBotnetWrite else { return [] }
        scanPacketsAtLastBotnetWrite = scans
        let now = configuration.wallClock()
        let counter = analyzer.botnets
        var records = counter.hourly.dropFirst(writtenHours).map {
            BotnetCountRecord($0, node: configuration.node, isComplete: true, updatedAt: now)
        } + counter.daily.dropFirst(writtenDays).map {
            BotnetCountRecord($0, node: configuration.node, isComplete: true, updatedAt: now)
        }
        writtenHours = counter.hourly.count
        writtenDays = counter.daily.count
        // The counter reports closed periods only; closing a copy shows the running ones as they stand.
        var copy = counter
        let snapshot = copy.finish()
        if snapshot.hourly.count > counter.hourly.count, let hour = snapshot.hourly.last {
            records.append(BotnetCountRecord(hour, node: configuration.node, isComplete: false, updatedAt: now))
        }
        if snapshot.daily.count > counter.daily.count, let day = snapshot.daily.last {
            records.append(BotnetCountRecord(day, node: configuration.node, isComplete: false, updatedAt: now))
        }
        return records
    }

    /// Botnet records whose write failed: written again at the next hand-out.
    func restoreBotnetRecords() {
        statistics.storeFailures &+= 1
        writtenHours = 0
        writtenDays = 0
        scanPacketsAtLastBotnetWrite = -1
    }

    func noteWritten(attacks: Int, botnetRows: Int) {
        statistics.attackRowsWritten &+= attacks
        statistics.botnetRowsWritten &+= botnetRows
    }

    var currentStatistics: LiveAnalyzerStatistics {
        var result = statistics
        result.sessionsOpen = sessions.count
        result.attacksOngoing = analyzer.tracker.ongoingAttacks.count
        result.unusablePackets = analyzer.counts.notIP + analyzer.counts.malformed + analyzer.counts.unsupportedLinkType
        return result
    }
}
