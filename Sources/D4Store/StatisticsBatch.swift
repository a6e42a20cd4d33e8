import Foundation

/// What the server aggregated in memory since its last flush; `D4Store.apply(_:)` adds it to the
/// stored statistics in one transaction. Applying is additive, so batches from several nodes or
/// several tasks may be applied in any order.
///
/// The helpers hash strings (day, address): call them per connection at flush time with the
/// connection's own running totals, not per frame.
public struct StatisticsBatch: Sendable {
    public var sensorsSeen: [UUID: SensorActivity]
    public var counters: [CounterKey: (frames: Int64, bytes: Int64)]

    public init(sensorsSeen: [UUID: SensorActivity] = [:], counters: [CounterKey: (frames: Int64, bytes: Int64)] = [:]) {
        self.sensorsSeen = sensorsSeen
        self.counters = counters
    }

    public var isEmpty: Bool { sensorsSeen.isEmpty && counters.isEmpty }

    /// Adds to one counter; saturates instead of overflowing.
    public mutating func add(_ key: CounterKey, frames: Int64, bytes: Int64) {
        let current = counters[key] ?? (0, 0)
        counters[key] = (Self.saturatingAdd(current.frames, frames), Self.saturatingAdd(current.bytes, bytes))
    }

    /// Accounts `frames` frames totalling `bytes` bytes of one sensor, type and source IP on `day`
    /// in the four standard counters: per sensor, per sensor and type, per sensor and IP, per type.
    public mutating func count(day: String, sensor: UUID, type: Int, sourceIP: String, frames: Int64, bytes: Int64) {
        add(CounterKey(day: day, sensor: sensor), frames: frames, bytes: bytes)
        add(CounterKey(day: day, sensor: sensor, type: type), frames: frames, bytes: bytes)
        add(CounterKey(day: day, sensor: sensor, sourceIP: sourceIP), frames: frames, bytes: bytes)
        add(CounterKey(day: day, type: type), frames: frames, bytes: bytes)
    }

    /// Notes sensor activity (last seen, source IP, type seen).
    public mutating func observe(sensor: UUID, type: Int, metaType: String? = nil, sourceIP: String?, at moment: Date) {
        sensorsSeen[sensor, default: SensorActivity(at: moment)]
            .observe(type: type, metaType: metaType, sourceIP: sourceIP, at: moment)
    }

    public mutating func merge(_ other: StatisticsBatch) {
        for (uuid, activity) in other.sensorsSeen {
            sensorsSeen[uuid, default: activity].merge(activity)
        }
        for (key, value) in other.counters { add(key, frames: value.frames, bytes: value.bytes) }
    }

    package static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }
}
