import Foundation

/// A frame type a sensor sent, with when it was first and last seen.
/// For type 254, `metaType` is the type named by the preceding meta header (e.g. "ja3-jl").
public struct SensorTypeSeen: Codable, Sendable, Hashable {
    public var type: Int
    public var metaType: String?
    public var firstSeen: Date
    public var lastSeen: Date

    public init(type: Int, metaType: String?, firstSeen: Date, lastSeen: Date) {
        self.type = type
        self.metaType = metaType
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
