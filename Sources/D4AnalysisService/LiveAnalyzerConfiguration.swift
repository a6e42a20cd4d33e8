import D4Analysis
import D4Results
import Foundation

/// Settings of the server's built-in telescope analyzer.
public struct LiveAnalyzerConfiguration: Sendable {
    /// Classification, attack thresholds and botnet counting, as for `d4 analyze`.
    public var analysis: TelescopeAnalyzer.Configuration
    /// Name of this server node in the store's rows ("" for a single server).
    public var node: String
    /// Wall-clock seconds between two writes of changed attacks (also the idle-timeout check period).
    public var flushInterval: Double
    /// Wall-clock seconds between two writes of the botnet counts of the running hour and day.
    public var botnetFlushInterval: Double
    /// Most queue items taken at once.
    public var batchSize: Int
    /// Most sensor sessions re-assembled at once; beyond it the least recently active is dropped.
    public var maximumSessions: Int
    /// A session without an item for this many wall-clock seconds is dropped (its connection is gone
    /// without an end marker reaching us, e.g. the marker was published before we subscribed).
    public var sessionIdleTimeout: Double
    /// Largest capture record accepted in a stream.
    public var recordLimit: Int
    /// How long `stop()` waits for the queue to drain before it stops taking items.
    public var drainTimeout: Double
    /// Wall-clock seconds between attempts to join the queue when it does not exist (yet).
    public var resubscribeInterval: Double
    /// Attack events closed or updated but not yet written are kept up to this many; beyond it (the
    /// store failing for a long time) the oldest are discarded and counted.
    public var maximumPendingAttacks: Int
    /// The wall clock in seconds since the epoch; tests pass a controllable one.
    public var wallClock: @Sendable () -> Double

    public init(analysis: TelescopeAnalyzer.Configuration = TelescopeAnalyzer.Configuration(), node: String = "",
                flushInterval: Double = 1, botnetFlushInterval: Double = 30, batchSize: Int = 256,
                maximumSessions: Int = 1024, sessionIdleTimeout: Double = 900, recordLimit: Int = 262_144,
                drainTimeout: Double = 5, resubscribeInterval: Double = 5, maximumPendingAttacks: Int = 100_000,
                wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.analysis = analysis
        self.node = node
        self.flushInterval = max(0.01, flushInterval)
        self.botnetFlushInterval = max(0.01, botnetFlushInterval)
        self.batchSize = max(1, batchSize)
        self.maximumSessions = max(1, maximumSessions)
        self.sessionIdleTimeout = max(1, sessionIdleTimeout)
        self.recordLimit = max(64, recordLimit)
        self.drainTimeout = max(0, drainTimeout)
        self.resubscribeInterval = max(0.01, resubscribeInterval)
        self.maximumPendingAttacks = max(1, maximumPendingAttacks)
        self.wallClock = wallClock
    }
}
