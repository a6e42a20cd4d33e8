import Foundation

/// Frames and bytes received on one UTC day for one combination of sensor, type and source IP.
/// A `nil` dimension means "all": (sensor, nil, nil) is the sensor's total, (nil, type, nil) the
/// server-wide total of that type, (sensor, nil, ip) the sensor's traffic from that address.
public struct DailyCounter: Codable, Sendable, Hashable {
    /// YYYYMMDD, UTC.
    public var day: String
    public var sensor: UUID?
    public var type: Int?
    public var sourceIP: String?
    public var frames: Int64
    public var bytes: Int64

    public init(day: String, sensor: UUID?, type: Int?, sourceIP: String?, frames: Int64, bytes: Int64) {
        self.day = day
        self.sensor = sensor
        self.type = type
        self.sourceIP = sourceIP
        self.frames = frames
        self.bytes = bytes
    }

    public var key: CounterKey { CounterKey(day: day, sensor: sensor, type: type, sourceIP: sourceIP) }
}
