import D4Basics
import Foundation

/// Everything ingest needs to admit connections, loaded in one store call.
///
/// Two ways to get it (see `D4Store`):
/// - `admissionFacts()` — server-wide facts plus every sensor that has a record; cache it and reload
///   when `D4Store.changeGeneration()` differs from `generation` (a cheap single-row read).
/// - `admissionFacts(for:)` — the same server-wide facts with only that sensor's record (0 or 1 entry),
///   one indexed read per connection.
/// A sensor absent from `sensors` has no record: default key, default backlog, state `pending`.
public struct AdmissionFacts: Sendable, Hashable {
    public var mode: ServerMode
    public var defaultKey: Data?
    public var acceptedTypes: Set<UInt8>
    public var maxFrameSize: Int
    public var defaultMaxBacklog: Int
    public var replayWindowSeconds: Int
    /// Single blocklisted addresses, canonical text (`IPAddress.unmapped`, as text).
    public var blockedIPs: Set<String>
    /// Blocklisted CIDR blocks.
    public var blockedNetworks: [IPNetwork]
    public var sensors: [UUID: SensorRecord]
    /// `changeGeneration()` at load time (read in the same transaction as the facts).
    public var generation: Int64

    public init(
        settings: ServerSettings, blockedIPs: Set<String>, blockedNetworks: [IPNetwork],
        sensors: [UUID: SensorRecord], generation: Int64
    ) {
        self.mode = settings.mode
        self.defaultKey = settings.defaultKey
        self.acceptedTypes = settings.acceptedTypes
        self.maxFrameSize = settings.maxFrameSize
        self.defaultMaxBacklog = settings.defaultMaxBacklog
        self.replayWindowSeconds = settings.replayWindowSeconds
        self.blockedIPs = blockedIPs
        self.blockedNetworks = blockedNetworks
        self.sensors = sensors
        self.generation = generation
    }

    public func sensor(_ uuid: UUID) -> SensorRecord? { sensors[uuid] }

    /// The HMAC key for `uuid`: its own key, else the server default key; `nil` = no key, refuse.
    public func key(for uuid: UUID) -> Data? { sensors[uuid]?.key ?? defaultKey }

    public func maxBacklog(for uuid: UUID) -> Int { sensors[uuid]?.maxBacklog ?? defaultMaxBacklog }

    /// True if `ip` (any textual form; IPv4-mapped IPv6 counts as IPv4) is blocklisted, directly or by
    /// a CIDR block. Text that is not an address is compared as given.
    public func isBlocked(ip: String) -> Bool {
        guard let address = IPAddress(ip)?.unmapped else { return blockedIPs.contains(ip) }
        if blockedIPs.contains(address.description) { return true }
        return blockedNetworks.contains { $0.contains(address) }
    }
}

extension AdmissionFacts: CustomDebugStringConvertible {
    // Keys never reach a log.
    public var debugDescription: String {
        "AdmissionFacts(mode: \(mode.rawValue), defaultKey: \(defaultKey.map { "<\($0.count) bytes, redacted>" } ?? "none"), acceptedTypes: \(acceptedTypes.sorted()), maxFrameSize: \(maxFrameSize), blocked: \(blockedIPs.count) IPs + \(blockedNetworks.count) networks, sensors: \(sensors.count), generation: \(generation))"
    }
}
