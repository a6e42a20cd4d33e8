import D4Store
import Foundation

/// The accounts of the web interface and the API: add, change password, role, list.
public struct UserAdministration: Sendable {
    public let store: any D4Store

    public init(store: any D4Store) {
        self.store = store
    }

    /// Oldest first; never a password hash.
    public func list() async throws -> [UserRecord] {
        try await store.users()
    }

    /// Checks a new user's name and role, and that the name is free — before anyone types a password
    /// that would then be thrown away.
    public func checkNewUser(name: String, role: String) async throws {
        try Validation.checkUserName(name)
        try Validation.checkRole(role)
        if try await store.users().contains(where: { $0.name == name }) { throw StoreError.userExists(name) }
    }

    public func add(name: String, password: String, role: String, mustChangePassword: Bool) async throws -> UserRecord {
        try await store.addUser(name: name, password: password, role: role, mustChangePassword: mustChangePassword)
        return try await existing(name)
    }

    /// Checks that the user exists, before a new password is asked for.
    public func checkExisting(name: String) async throws {
        _ = try await existing(name)
    }

    /// Sets a new password and clears a pending must-change.
    public func setPassword(name: String, password: String) async throws {
        try await store.setPassword(name: name, password: password)
    }

    /// Returns the user before and after.
    public func setRole(name: String, role: String) async throws -> (before: UserRecord, after: UserRecord) {
        let before = try await existing(name)
        try await store.setRole(name: name, role: role)
        return (before, try await existing(name))
    }

    private func existing(_ name: String) async throws -> UserRecord {
        guard let user = try await store.users().first(where: { $0.name == name }) else { throw StoreError.userNotFound(name) }
        return user
    }
}
