import D4Store
import Foundation
import Hummingbird

/// A sensor record as the API shows it: every field but the key, of which only the presence shows.
/// Fields are always present; `null` means never / server default.
struct SensorJSON: Encodable, Sendable {
    let record: SensorRecord

    enum CodingKeys: String, CodingKey {
        case uuid, state, description
        case contactMail = "contact_mail"
        case hasOwnKey = "has_own_key"
        case blockSourceIPs = "block_source_ips"
        case maxBacklog = "max_backlog"
        case kickedUntil = "kicked_until"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.uuid.uuidString.lowercased(), forKey: .uuid)
        try container.encode(record.state.rawValue, forKey: .state)
        try container.encode(record.description, forKey: .description)
        try container.encode(record.contactMail, forKey: .contactMail)
        try container.encode(record.key != nil, forKey: .hasOwnKey)
        try container.encode(record.blockSourceIPs, forKey: .blockSourceIPs)
        try container.encode(record.maxBacklog, forKey: .maxBacklog)
        try container.encode(record.kickedUntil, forKey: .kickedUntil)
        try container.encode(record.firstSeen, forKey: .firstSeen)
        try container.encode(record.lastSeen, forKey: .lastSeen)
        try container.encode(record.lastError, forKey: .lastError)
        try container.encode(record.lastErrorAt, forKey: .lastErrorAt)
    }
}

/// `GET /api/v1/sensors`.
struct SensorListResponse: ResponseEncodable {
    let sensors: [SensorJSON]
}

/// `GET /api/v1/sensors/{uuid}`: the record, its last source addresses and the types it sent.
struct SensorDetailResponse: ResponseEncodable {
    let sensor: SensorJSON
    let sourceIPs: [SourceIPJSON]
    let typesSeen: [TypeSeenJSON]

    enum CodingKeys: String, CodingKey {
        case sensor
        case sourceIPs = "source_ips"
        case typesSeen = "types_seen"
    }
}

struct SourceIPJSON: Encodable, Sendable {
    let ip: String
    let lastSeen: Date

    init(_ source: SensorSourceIP) {
        ip = source.ip
        lastSeen = source.lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case ip
        case lastSeen = "last_seen"
    }
}

struct TypeSeenJSON: Encodable, Sendable {
    let seen: SensorTypeSeen

    enum CodingKeys: String, CodingKey {
        case type
        case metaType = "meta_type"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seen.type, forKey: .type)
        try container.encode(seen.metaType, forKey: .metaType)
        try container.encode(seen.firstSeen, forKey: .firstSeen)
        try container.encode(seen.lastSeen, forKey: .lastSeen)
    }
}
