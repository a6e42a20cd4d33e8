import D4Results

/// What the built-in analyzer did since it started: counters for `/metrics` and the status page.
public struct LiveAnalyzerStatistics: Sendable, Hashable, Codable {
    /// Queue items taken, and their payload bytes.
    public var items = 0
    public var bytes = 0
    /// Capture records read from the streams and handed to the analysis.
    public var packets = 0
    /// Records the dissector could not use (not IP, malformed, unsupported link type).
    public var unusablePackets = 0
    public var sessionsStarted = 0
    public var sessionsOpen = 0
    /// Sessions that ended with their connection (end marker).
    public var sessionsEnded = 0
    /// Sessions dropped for inactivity or because `maximumSessions` were open.
    public var sessionsEvicted = 0
    /// Sessions whose bytes were never a pcap/pcapng capture.
    public var nonCaptureSessions = 0
    /// Sessions whose capture broke after some records (corrupt data, unrecoverable loss).
    public var brokenSessions = 0
    /// Bytes of rejected sessions, not analysed.
    public var ignoredBytes = 0
    /// Items missing between consecutive sequence numbers: lost by the queue's drop policy.
    public var itemsLostInQueue = 0
    /// The queue's own drop counter (all consumers), read when the statistics are asked for.
    public var queueDropped = 0
    /// Streams that found a record boundary again after lost items, and the bytes skipped to find it.
    public var resynchronizations = 0
    public var resynchronizationSkippedBytes = 0
    public var attacksOpened = 0
    public var attacksClosed = 0
    public var attacksOngoing = 0
    /// Attack rows and botnet rows written to the store.
    public var attackRowsWritten = 0
    public var botnetRowsWritten = 0
    /// Failed store writes (retried at the next flush) and attack snapshots discarded after too many.
    public var storeFailures = 0
    public var attackSnapshotsDiscarded = 0

    public init() {}
}
