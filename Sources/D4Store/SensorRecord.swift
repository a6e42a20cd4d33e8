import Foundation

/// Everything the store knows about one sensor (keyed by its UUID).
public struct SensorRecord: Codable, Sendable, Hashable {
    public var uuid: UUID
    /// The sensor's HMAC key, exact bytes (any bytes, never escaped or cut).
    /// `nil`: in shared-secret mode the server's default key applies.
    public var key: Data?
    public var state: SensorState
    public var description: String
    public var contactMail: String
    /// "Block the IPs it comes from": every connection of this sensor is refused and its source IP blocklisted.
    public var blockSourceIPs: Bool
    /// Unconsumed backlog limit in frames; `nil` = the server default (`ServerSettings.defaultMaxBacklog`).
    public var maxBacklog: Int?
    /// Connections are refused until this instant (set by a kick).
    public var kickedUntil: Date?
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(
        uuid: UUID, key: Data? = nil, state: SensorState = .pending, description: String = "",
        contactMail: String = "", blockSourceIPs: Bool = false, maxBacklog: Int? = nil,
        kickedUntil: Date? = nil, firstSeen: Date? = nil, lastSeen: Date? = nil,
        lastError: String? = nil, lastErrorAt: Date? = nil
    ) {
        self.uuid = uuid
        self.key = key
        self.state = state
        self.description = description
        self.contactMail = contactMail
        self.blockSourceIPs = blockSourceIPs
        self.maxBacklog = maxBacklog
        self.kickedUntil = kickedUntil
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }

    /// The backlog limit that applies to this sensor.
    public func effectiveMaxBacklog(default serverDefault: Int) -> Int { maxBacklog ?? serverDefault }

    /// True while a kick is in force at `now`.
    public func isKicked(at now: Date) -> Bool {
        guard let kickedUntil else { return false }
        return now < kickedUntil
    }
}

// Keys must never reach a log: printing, `dump` and string interpolation show only the key's length.
// (`description` is a stored field here, so the type cannot be CustomStringConvertible.)
extension SensorRecord: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String {
        "SensorRecord(\(uuid.uuidString.lowercased()), state: \(state.rawValue), key: \(redactedKey))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "uuid": uuid, "key": redactedKey, "state": state, "description": description,
            "contactMail": contactMail, "blockSourceIPs": blockSourceIPs, "maxBacklog": maxBacklog as Any,
            "kickedUntil": kickedUntil as Any, "firstSeen": firstSeen as Any, "lastSeen": lastSeen as Any,
            "lastError": lastError as Any, "lastErrorAt": lastErrorAt as Any,
        ], displayStyle: .struct)
    }

    private var redactedKey: String { key.map { "<\($0.count) bytes, redacted>" } ?? "server default" }
}
