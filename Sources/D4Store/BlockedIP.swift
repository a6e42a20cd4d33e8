import Foundation

/// A blocklist entry: one address or one CIDR network (e.g. "192.0.2.0/24"), in canonical text form.
public struct BlockedIP: Codable, Sendable, Hashable {
    public var ip: String
    public var reason: String
    public var blockedAt: Date

    public init(ip: String, reason: String, blockedAt: Date) {
        self.ip = ip
        self.reason = reason
        self.blockedAt = blockedAt
    }
}
