import D4Protocol
import D4Store
import Foundation

/// A sensor record as `d4 sensors list/show --json` prints it: every field but the key, of which
/// only the presence and the length are shown. Absent fields mean "never" / "server default".
struct SensorJSON: Encodable {
    var uuid: String
    var state: String
    var description: String
    var contactMail: String
    /// "own" or "server default".
    var key: String
    var keyBytes: Int?
    var blockSourceIPs: Bool
    var maxBacklog: Int?
    var kickedUntil: Date?
    var firstSeen: Date?
    var lastSeen: Date?
    var lastError: String?
    var lastErrorAt: Date?

    init(_ record: SensorRecord) {
        uuid = SensorUUIDArgument.text(record.uuid)
        state = record.state.rawValue
        description = record.description
        contactMail = record.contactMail
        key = record.key == nil ? "server default" : "own"
        keyBytes = record.key?.count
        blockSourceIPs = record.blockSourceIPs
        maxBacklog = record.maxBacklog
        kickedUntil = record.kickedUntil
        firstSeen = record.firstSeen
        lastSeen = record.lastSeen
        lastError = record.lastError
        lastErrorAt = record.lastErrorAt
    }
}

/// `d4 sensors show --json`.
struct SensorDetailJSON: Encodable {
    var sensor: SensorJSON
    var effectiveMaxBacklog: Int
    var kicked: Bool
    var sourceIPs: [SensorSourceIP]
    var typesSeen: [SensorTypeSeenJSON]
    var dailyCounters: [SensorCounterJSON]
}

struct SensorTypeSeenJSON: Encodable {
    var type: Int
    var name: String?
    var metaType: String?
    var firstSeen: Date
    var lastSeen: Date

    init(_ seen: SensorTypeSeen) {
        type = seen.type
        name = UInt8(exactly: seen.type).flatMap { FrameType($0).name }
        metaType = seen.metaType
        firstSeen = seen.firstSeen
        lastSeen = seen.lastSeen
    }
}

/// One daily counter of a sensor; `type` and `sourceIP` absent = all types / all addresses.
struct SensorCounterJSON: Encodable {
    var day: String
    var type: Int?
    var sourceIP: String?
    var frames: Int64
    var bytes: Int64

    init(_ counter: DailyCounter) {
        day = counter.day
        type = counter.type
        sourceIP = counter.sourceIP
        frames = counter.frames
        bytes = counter.bytes
    }
}
