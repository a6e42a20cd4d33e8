import Foundation

/// Identifies one daily counter; see `DailyCounter` for what a `nil` dimension means.
public struct CounterKey: Hashable, Sendable, Codable {
    /// YYYYMMDD, UTC (see `UTCDay`).
    public var day: String
    public var sensor: UUID?
    public var type: Int?
    public var sourceIP: String?

    public init(day: String, sensor: UUID? = nil, type: Int? = nil, sourceIP: String? = nil) {
        self.day = day
        self.sensor = sensor
        self.type = type
        self.sourceIP = sourceIP
    }
}
