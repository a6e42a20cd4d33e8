import Foundation

/// Identifies one stream: a sensor's connection for one type, from its start.
public struct SessionKey: Sendable, Hashable {
    public var sensorUUID: UUID
    /// D4 type of the frames (1 pcap, 3 log, 8 passivedns, 254 meta-typed, …).
    public var type: UInt8
    /// For type 254: the `type` field of the meta header (e.g. `ja3-jl`); nil otherwise.
    public var metaType: String?
    /// Unique per server run; part of the file names so that two sessions of one sensor starting in
    /// the same second never share a file (reference defect 6).
    public var sessionID: UInt64
    public var start: Date

    public init(sensorUUID: UUID, type: UInt8, metaType: String? = nil, sessionID: UInt64, start: Date) {
        self.sensorUUID = sensorUUID
        self.type = type
        self.metaType = metaType
        self.sessionID = sessionID
        self.start = start
    }
}
