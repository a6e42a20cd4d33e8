import D4Protocol
import D4Store
import Foundation

// The one JSON form of sensors, for `d4 sensors list/show --json` and the REST API alike: snake_case
// keys, every key always present (`null` = never / server default / all), times as the encoder's
// ISO 8601 dates. Keys are never shown: only whether the sensor has its own and its length. Keep these
// keys stable: scripts read them.

/// A sensor record.
public struct SensorJSON: Encodable, Sendable {
    public let record: SensorRecord

    public init(_ record: SensorRecord) { self.record = record }

    enum CodingKeys: String, CodingKey {
        case uuid, state, description
        case contactMail = "contact_mail"
        case hasOwnKey = "has_own_key"
        case keyBytes = "key_bytes"
        case blockSourceIPs = "block_source_ips"
        case maxBacklog = "max_backlog"
        case kickedUntil = "kicked_until"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(SensorAdministration.text(record.uuid), forKey: .uuid)
        try container.encode(record.state.rawValue, forKey: .state)
        try container.encode(record.description, forKey: .description)
        try container.encode(record.contactMail, forKey: .contactMail)
        try container.encode(record.key != nil, forKey: .hasOwnKey)
        try container.encode(record.key?.count, forKey: .keyBytes)
        try container.encode(record.blockSourceIPs, forKey: .blockSourceIPs)
        try container.encode(record.maxBacklog, forKey: .maxBacklog)
        try container.encode(record.kickedUntil, forKey: .kickedUntil)
        try container.encode(record.firstSeen, forKey: .firstSeen)
        try container.encode(record.lastSeen, forKey: .lastSeen)
        try container.encode(record.lastError, forKey: .lastError)
        try container.encode(record.lastErrorAt, forKey: .lastErrorAt)
    }
}

/// Everything about one sensor: `{sensor, effective_max_backlog, kicked, days, source_ips, types_seen,
/// daily_counters}`.
public struct SensorDetailJSON: Encodable, Sendable {
    public let detail: SensorDetail

    public init(_ detail: SensorDetail) { self.detail = detail }

    enum CodingKeys: String, CodingKey {
        case sensor, kicked, days
        case effectiveMaxBacklog = "effective_max_backlog"
        case sourceIPs = "source_ips"
        case typesSeen = "types_seen"
        case dailyCounters = "daily_counters"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(SensorJSON(detail.record), forKey: .sensor)
        try container.encode(detail.effectiveMaxBacklog, forKey: .effectiveMaxBacklog)
        try container.encode(detail.kicked, forKey: .kicked)
        try container.encode(detail.days, forKey: .days)
        try container.encode(detail.sourceIPs.map(SourceIPJSON.init), forKey: .sourceIPs)
        try container.encode(detail.typesSeen.map(TypeSeenJSON.init), forKey: .typesSeen)
        try container.encode(detail.dailyCounters.map(DailyCounterJSON.init), forKey: .dailyCounters)
    }
}

/// One of a sensor's last source addresses: `{ip, last_seen}`.
public struct SourceIPJSON: Encodable, Sendable {
    public let source: SensorSourceIP

    public init(_ source: SensorSourceIP) { self.source = source }

    enum CodingKeys: String, CodingKey {
        case ip
        case lastSeen = "last_seen"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source.ip, forKey: .ip)
        try container.encode(source.lastSeen, forKey: .lastSeen)
    }
}

/// A type a sensor sent: `{type, name, meta_type, first_seen, last_seen}` (`name` null for a number
/// without a name).
public struct TypeSeenJSON: Encodable, Sendable {
    public let seen: SensorTypeSeen

    public init(_ seen: SensorTypeSeen) { self.seen = seen }

    enum CodingKeys: String, CodingKey {
        case type, name
        case metaType = "meta_type"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seen.type, forKey: .type)
        try container.encode(UInt8(exactly: seen.type).flatMap { FrameType($0).name }, forKey: .name)
        try container.encode(seen.metaType, forKey: .metaType)
        try container.encode(seen.firstSeen, forKey: .firstSeen)
        try container.encode(seen.lastSeen, forKey: .lastSeen)
    }
}

/// A daily counter: `{day (YYYY-MM-DD), sensor, type, source_ip, frames, bytes}`; each `null`
/// dimension means "all" (see `DailyCounter`).
public struct DailyCounterJSON: Encodable, Sendable {
    public let counter: DailyCounter

    public init(_ counter: DailyCounter) { self.counter = counter }

    enum CodingKeys: String, CodingKey {
        case day, sensor, type, frames, bytes
        case sourceIP = "source_ip"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(UTCDay.isoDate(counter.day), forKey: .day)
        try container.encode(counter.sensor.map(SensorAdministration.text), forKey: .sensor)
        try container.encode(counter.type, forKey: .type)
        try container.encode(counter.sourceIP, forKey: .sourceIP)
        try container.encode(counter.frames, forKey: .frames)
        try container.encode(counter.bytes, forKey: .bytes)
    }
}
