import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    public func addUser(name: String, password: String, role: String, mustChangePassword: Bool) async throws {
        try Validation.checkUserName(name)
        try Validation.checkRole(role)
        try Validation.checkPassword(password)
        // The slow KDF runs before the write lock is taken.
        let iterations = passwordIterations
        let hash = try await PasswordHasher.offloaded { PasswordHasher.hash(password, iterations: iterations) }
        let now = SQLiteRows.seconds(Date())
        try await write { db in
            try db.execute(sql: """
                INSERT INTO users (name, role, password_hash, created_at, must_change_password) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING
                """, arguments: [name, role, hash, now, mustChangePassword])
            guard db.changesCount == 1 else { throw StoreError.userExists(name) }
        }
    }

    public func verifyPassword(name: String, password: String) async throws -> Bool {
        let stored = try await read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE name = ?", arguments: [name])
        }
        guard let stored else {
            // Same work as for a real user, so response time does not reveal which names exist.
            let decoy = PasswordHasher.decoy(iterations: passwordIterations)
            _ = try await PasswordHasher.offloaded { try PasswordHasher.verify(password, against: decoy) }
            return false
        }
        return try await PasswordHasher.offloaded { try PasswordHasher.verify(password, against: stored) }
    }

    public func setPassword(name: String, password: String) async throws {
        try Validation.checkPassword(password)
        let iterations = passwordIterations
        let hash = try await PasswordHasher.offloaded { PasswordHasher.hash(password, iterations: iterations) }
        try await updateUser(name, sql: "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE name = ?",
                             arguments: [hash, name])
    }

    public func setMustChangePassword(name: String, _ on: Bool) async throws {
        try await updateUser(name, sql: "UPDATE users SET must_change_password = ? WHERE name = ?", arguments: [on, name])
    }

    public func setRole(name: String, role: String) async throws {
        try Validation.checkRole(role)
        try await updateUser(name, sql: "UPDATE users SET role = ? WHERE name = ?", arguments: [role, name])
    }

    public func removeUser(name: String) async throws {
        try await updateUser(name, sql: "DELETE FROM users WHERE name = ?", arguments: [name])
    }

    public func users() async throws -> [UserRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, must_change_password FROM users ORDER BY name").map {
                UserRecord(name: $0["name"], role: $0["role"], createdAt: Date(timeIntervalSince1970: $0["created_at"]),
                           mustChangePassword: $0["must_change_password"])
            }
        }
    }

    /// The stored hash as it is on disk (tests check its form; never shown to users).
    func storedPasswordHash(name: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE name = ?", arguments: [name])
        }
    }

    private func updateUser(_ name: String, sql: String, arguments: StatementArguments) async throws {
        try await write { db in
            try db.execute(sql: sql, arguments: arguments)
            guard db.changesCount == 1 else { throw StoreError.userNotFound(name) }
        }
    }
}
