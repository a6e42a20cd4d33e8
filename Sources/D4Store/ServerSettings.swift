import Foundation

/// Server-wide settings, shared by every node of a deployment.
public struct ServerSettings: Codable, Sendable, Hashable {
    public var mode: ServerMode
    /// Key for sensors without their own key in shared-secret mode; `nil` = such sensors are refused.
    public var defaultKey: Data?
    public var acceptedTypes: Set<UInt8>
    /// Largest accepted payload `size`, in bytes.
    public var maxFrameSize: Int
    /// Unconsumed backlog limit (frames) for sensors without their own limit.
    public var defaultMaxBacklog: Int
    /// Frames whose timestamp is further than this from the server clock are refused; 0 = no check.
    public var replayWindowSeconds: Int

    /// Types 1, 2, 4, 8 and 254 as the reference accepts, plus type 3 (generic log, defect 4 of the reference).
    public static let defaultAcceptedTypes: Set<UInt8> = [1, 2, 3, 4, 8, 254]

    public init(
        mode: ServerMode = .sharedSecret, defaultKey: Data? = nil,
        acceptedTypes: Set<UInt8> = ServerSettings.defaultAcceptedTypes, maxFrameSize: Int = 1_000_000,
        defaultMaxBacklog: Int = 10_000, replayWindowSeconds: Int = 3_600
    ) {
        self.mode = mode
        self.defaultKey = defaultKey
        self.acceptedTypes = acceptedTypes
        self.maxFrameSize = maxFrameSize
        self.defaultMaxBacklog = defaultMaxBacklog
        self.replayWindowSeconds = replayWindowSeconds
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws(StoreError) {
        if let defaultKey { try Validation.checkKey(defaultKey) }
        guard (1...Self.maxFrameSizeLimit).contains(maxFrameSize) else {
            throw .invalidInput("max frame size \(maxFrameSize) is outside 1…\(Self.maxFrameSizeLimit) bytes (a D4 size field is 32-bit)")
        }
        guard defaultMaxBacklog >= 1 else {
            throw .invalidInput("default max backlog \(defaultMaxBacklog) must be at least 1 frame")
        }
        guard (0...Self.replayWindowLimit).contains(replayWindowSeconds) else {
            throw .invalidInput("replay window \(replayWindowSeconds) s is outside 0…\(Self.replayWindowLimit) s (0 turns the check off)")
        }
    }

    static let maxFrameSizeLimit = Int(UInt32.max)
    static let replayWindowLimit = 366 * 86_400
}

// Fields missing from an older stored document take their defaults (no migration per new setting).
extension ServerSettings {
    enum CodingKeys: String, CodingKey {
        case mode, defaultKey, acceptedTypes, maxFrameSize, defaultMaxBacklog, replayWindowSeconds
    }

    public init(from decoder: Decoder) throws {
        let defaults = ServerSettings()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            mode: try container.decodeIfPresent(ServerMode.self, forKey: .mode) ?? defaults.mode,
            defaultKey: try container.decodeIfPresent(Data.self, forKey: .defaultKey),
            acceptedTypes: try container.decodeIfPresent(Set<UInt8>.self, forKey: .acceptedTypes) ?? defaults.acceptedTypes,
            maxFrameSize: try container.decodeIfPresent(Int.self, forKey: .maxFrameSize) ?? defaults.maxFrameSize,
            defaultMaxBacklog: try container.decodeIfPresent(Int.self, forKey: .defaultMaxBacklog) ?? defaults.defaultMaxBacklog,
            replayWindowSeconds: try container.decodeIfPresent(Int.self, forKey: .replayWindowSeconds) ?? defaults.replayWindowSeconds)
    }
}

extension ServerSettings: CustomDebugStringConvertible, CustomReflectable {
    // The default key never reaches a log.
    public var debugDescription: String {
        "ServerSettings(mode: \(mode.rawValue), defaultKey: \(redactedKey), acceptedTypes: \(acceptedTypes.sorted()), maxFrameSize: \(maxFrameSize), defaultMaxBacklog: \(defaultMaxBacklog), replayWindowSeconds: \(replayWindowSeconds))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "mode": mode, "defaultKey": redactedKey, "acceptedTypes": acceptedTypes.sorted(),
            "maxFrameSize": maxFrameSize, "defaultMaxBacklog": defaultMaxBacklog,
            "replayWindowSeconds": replayWindowSeconds,
        ], displayStyle: .struct)
    }

    private var redactedKey: String { defaultKey.map { "<\($0.count) bytes, redacted>" } ?? "none" }
}
