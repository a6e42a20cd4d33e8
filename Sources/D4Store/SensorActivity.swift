import Foundation

/// What the server saw of one sensor since the last statistics flush.
public struct SensorActivity: Sendable, Hashable {
    /// Earliest and latest frame (or connection) of the sensor in this period; `first` is a
    /// first-seen candidate (the store keeps the earliest ever).
    public var seen: SeenSpan
    /// Source addresses with the latest time each was seen.
    public var sourceIPs: [String: Date]
    /// Types sent, with first/last time in this period.
    public var types: [SensorTypeKey: SeenSpan]

    public init(seen: SeenSpan, sourceIPs: [String: Date] = [:], types: [SensorTypeKey: SeenSpan] = [:]) {
        self.seen = seen
        self.sourceIPs = sourceIPs
        self.types = types
    }

    public init(at moment: Date) {
        self.init(seen: SeenSpan(at: moment))
    }

    public var firstSeen: Date { seen.first }
    public var lastSeen: Date { seen.last }

    /// Notes one observation: the sensor sent `type` (meta type for 254) from `sourceIP` at `moment`.
    public mutating func observe(type: Int, metaType: String? = nil, sourceIP: String?, at moment: Date) {
        seen.include(moment)
        if let sourceIP {
            if let previous = sourceIPs[sourceIP], previous >= moment {} else { sourceIPs[sourceIP] = moment }
        }
        let key = SensorTypeKey(type: type, metaType: metaType)
        types[key, default: SeenSpan(at: moment)].include(moment)
    }

    public mutating func merge(_ other: SensorActivity) {
        seen.merge(other.seen)
        for (ip, moment) in other.sourceIPs {
            if let previous = sourceIPs[ip], previous >= moment { continue }
            sourceIPs[ip] = moment
        }
        for (key, span) in other.types {
            types[key, default: span].merge(span)
        }
    }
}
