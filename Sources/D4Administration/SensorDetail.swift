import D4Store
import Foundation

/// Everything the store has about one sensor (`d4 sensors show`, `GET /api/v1/sensors/{uuid}`).
public struct SensorDetail: Sendable, Equatable {
    public var record: SensorRecord
    /// The backlog limit in force (its own, else the server default).
    public var effectiveMaxBacklog: Int
    public var usesDefaultMaxBacklog: Bool
    /// True while a kick is in force.
    public var kicked: Bool
    /// The window of `dailyCounters`, in days (today included).
    public var days: Int
    /// Newest first, at most 16.
    public var sourceIPs: [SensorSourceIP]
    public var typesSeen: [SensorTypeSeen]
    /// The sensor's total, per type and per source IP, for each day of the window.
    public var dailyCounters: [DailyCounter]

    public init(record: SensorRecord, defaultMaxBacklog: Int, days: Int, now: Date, sourceIPs: [SensorSourceIP],
                typesSeen: [SensorTypeSeen], dailyCounters: [DailyCounter]) {
        self.record = record
        effectiveMaxBacklog = record.effectiveMaxBacklog(default: defaultMaxBacklog)
        usesDefaultMaxBacklog = record.maxBacklog == nil
        kicked = record.isKicked(at: now)
        self.days = days
        self.sourceIPs = sourceIPs
        self.typesSeen = typesSeen
        self.dailyCounters = dailyCounters
    }
}
