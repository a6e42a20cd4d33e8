import Foundation

/// A web/API user (never carries the password hash).
public struct UserRecord: Codable, Sendable, Hashable {
    public var name: String
    /// "admin" or "user".
    public var role: String
    public var createdAt: Date
    public var mustChangePassword: Bool

    public init(name: String, role: String, createdAt: Date, mustChangePassword: Bool) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.mustChangePassword = mustChangePassword
    }

    public static let roles: Set<String> = ["admin", "user"]
}
