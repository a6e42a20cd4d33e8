import Foundation

/// One of the last source addresses a sensor connected from (the store keeps the 16 most recent).
public struct SensorSourceIP: Codable, Sendable, Hashable {
    public var ip: String
    public var lastSeen: Date

    public init(ip: String, lastSeen: Date) {
        self.ip = ip
        self.lastSeen = lastSeen
    }
}
