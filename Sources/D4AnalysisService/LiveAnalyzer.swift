import D4Analysis
import D4Queues
import D4Store
import Foundation
import Logging

/// The server's built-in telescope analyzer: consumes the type-1 (pcap) queue of every sensor, detects
/// attacks and counts botnet capacity as `d4 analyze` does, and keeps the results in the store, where
/// the API and web UI read them.
///
/// Work happens off the event loops: one task takes items from the queue and analyses them (through
/// the `AnalysisEngine` actor), another closes idle attacks and writes the results every
/// `flushInterval` — batched, never one write per packet. `stop()` drains the queue (bounded wait),
/// closes every attack and writes everything.
public actor LiveAnalyzer {
    /// The queue the server defines for this analyzer.
    public static let builtinQueueName = "builtin-telescope"

    /// The built-in queue: type 1 from every sensor, dropping the oldest frames when the analyzer falls
    /// behind. The analyzer must never hold ingest back (a `block` queue would stall every sensor's
    /// connection when analysis is slower than the wire), and when it is behind the newest data is the
    /// most useful for a live view; every drop is counted by the queue and seen by the analyzer as a
    /// gap in sequence numbers, after which the streams resynchronise on a record boundary. 1,024
    /// frames bound what a stalled analyzer holds to 64 MiB at the largest frame size.
    public static func builtinQueueSpec(name: String = builtinQueueName, capacity: Int = 1024) -> QueueSpec {
        QueueSpec(name: name, type: 1, capacity: capacity, dropPolicy: .dropOldest)
    }

    /// The same queue as a store definition: defining it in the store (idempotent) makes it survive the
    /// server's refresh of the hub from the store's queue list, and shows it in `d4 queue list`.
    public static func builtinQueueDefinition(name: String = builtinQueueName, capacity: Int = 1024) -> QueueDefinition {
        QueueDefinition(name: name, type: 1, capacity: capacity, dropPolicy: DropPolicy.dropOldest.rawValue)
    }

    private let hub: QueueHub
    private let store: any D4Store
    public nonisolated let queueName: String
    public nonisolated let configuration: LiveAnalyzerConfiguration
    private let logger: Logger
    private let engine: AnalysisEngine
    private var consumer: Task<Void, Never>?
    private var flusher: Task<Void, Never>?
    private var started = false
    private var stopped = false
    /// The one run of `stop()`; later calls wait for it.
    private var stopping: Task<Void, Never>?

    /// Throws when `configuration.node` is not a valid node name (the store would refuse every row).
    public init(hub: QueueHub, store: any D4Store, queueName: String = LiveAnalyzer.builtinQueueName,
                configuration: LiveAnalyzerConfiguration = LiveAnalyzerConfiguration(), logger: Logger) throws(StoreError) {
        try Validation.checkNode(configuration.node)
        self.hub = hub
        self.store = store
        self.queueName = queueName
        self.configuration = configuration
        self.logger = logger
        engine = AnalysisEngine(configuration: configuration, logger: logger)
    }

    /// Starts consuming and flushing; returns at once. Attacks a previous run of this node left open
    /// (the server crashed) are closed first: nothing would close them otherwise.
    public func start() async {
        guard !started, !stopped else { return }
        started = true
        do {
            let closed = try await store.closeOngoingAttacks(node: configuration.node, at: Date(timeIntervalSince1970: configuration.wallClock()))
            if closed > 0 { logger.notice("live analysis: closed \(closed) attacks a previous run left open") }
        } catch {
            logger.error("live analysis: cannot close attacks left open: \(error)")
        }
        guard !stopped else { return }  // stop() came while we waited for the store
        let hub = hub, name = queueName, engine = engine, logger = logger, configuration = configuration
        consumer = Task.detached {
            await Self.consume(hub: hub, queueName: name, engine: engine, configuration: configuration, logger: logger)
        }
        let store = store
        flusher = Task.detached {
            await Self.flushPeriodically(engine: engine, store: store, configuration: configuration, logger: logger)
        }
    }

    /// Starts and waits until `stop()` is called (or the task is cancelled, which stops it too).
    public func run() async {
        await start()
        let consumer = consumer
        await withTaskCancellationHandler {
            await consumer?.value
        } onCancel: {
            Task { await self.stop() }
        }
    }

    /// Drains the queue (up to `drainTimeout`), stops taking items, closes every attack and the open
    /// botnet periods, and writes all results. Call after ingest has stopped publishing.
    public func stop() async {
        if let stopping {
            await stopping.value
            return
        }
        stopped = true
        let task = Task { await self.drainAndFinish() }
        stopping = task
        await task.value
    }

    private func drainAndFinish() async {
        let deadline = ContinuousClock.now + .seconds(configuration.drainTimeout)
        while consumer != nil, ContinuousClock.now < deadline, queueDepth > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        consumer?.cancel()
        await consumer?.value
        flusher?.cancel()
        await flusher?.value
        consumer = nil
        flusher = nil
        let botnets = await engine.finish()
        await Self.writeAttacks(engine: engine, store: store, logger: logger)
        await Self.writeBotnets(botnets, engine: engine, store: store, logger: logger)
    }

    /// The counters so far, with the queue's own drop count.
    public var statistics: LiveAnalyzerStatistics {
        get async {
            var result = await engine.currentStatistics
            result.queueDropped = hub.statistics().first { $0.name == queueName }?.dropped ?? 0
            return result
        }
    }

    private var queueDepth: Int {
        hub.statistics().first { $0.name == queueName }?.depth ?? 0
    }

    // MARK: loops

    /// Takes items until cancelled; re-joins the queue when it disappears (the server may redefine
    /// its queues at run time).
    private static func consume(hub: QueueHub, queueName: String, engine: AnalysisEngine,
                                configuration: LiveAnalyzerConfiguration, logger: Logger) async {
        var reportedMissing = false
        var joinedBefore = false
        while !Task.isCancelled {
            let subscription: QueueSubscription
            do {
                subscription = try hub.subscribeReserved(queueName)
            } catch {
                if !reportedMissing {
                    logger.warning("live analysis: cannot join queue \(queueName): \(error); retrying")
                    reportedMissing = true
                }
                try? await Task.sleep(for: .seconds(configuration.resubscribeInterval))
                continue
            }
            reportedMissing = false
            if joinedBefore { await engine.rejoinedQueue() }
            joinedBefore = true
            while let items = await subscription.next(maxCount: configuration.batchSize) {
                await engine.process(items)
            }
            subscription.close()
            if !Task.isCancelled {
                logger.warning("live analysis: queue \(queueName) went away; joining it again when it is back")
                try? await Task.sleep(for: .seconds(configuration.resubscribeInterval))
            }
        }
    }

    /// Every `flushInterval`: close idle attacks, write changed attacks; every `botnetFlushInterval`:
    /// write the botnet counts.
    private static func flushPeriodically(engine: AnalysisEngine, store: any D4Store,
                                          configuration: LiveAnalyzerConfiguration, logger: Logger) async {
        var lastBotnetWrite = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(configuration.flushInterval))
            if Task.isCancelled { return }
            await engine.tick()
            await writeAttacks(engine: engine, store: store, logger: logger)
            if ContinuousClock.now - lastBotnetWrite >= .seconds(configuration.botnetFlushInterval) {
                lastBotnetWrite = .now
                let records = await engine.takeBotnetRecords()
                await writeBotnets(records, engine: engine, store: store, logger: logger)
            }
        }
    }

    private static func writeAttacks(engine: AnalysisEngine, store: any D4Store, logger: Logger) async {
        let records = await engine.takeAttackRecords()
        guard !records.isEmpty else { return }
        do {
            // In a task of its own: stopping cancels the flush loop, and a write must not fail for that.
            try await Task { try await store.upsertAttacks(records) }.value
            await engine.noteWritten(attacks: records.count, botnetRows: 0)
        } catch {
            logger.error("live analysis: cannot write \(records.count) attacks (kept for the next try): \(error)")
            await engine.restore(records)
        }
    }

    private static func writeBotnets(_ records: [BotnetCountRecord], engine: AnalysisEngine, store: any D4Store,
                                     logger: Logger) async {
        guard !records.isEmpty else { return }
        do {
            try await Task { try await store.upsertBotnetCounts(records) }.value
            await engine.noteWritten(attacks: 0, botnetRows: records.count)
        } catch {
            logger.error("live analysis: cannot write botnet counts (written again next time): \(error)")
            await engine.restoreBotnetRecords()
        }
    }
}
