import D4Store
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL mode) under the data directory, shared safely by the
/// server and `d4` management commands running at the same time (they wait for each other's locks).
///
/// Holds no state besides the connection pool, so it honours the `D4Store` multi-node contract too.
public final class SQLiteStore: D4Store {
    let pool: DatabasePool
    public let path: String
    /// PBKDF2 iterations for new password hashes. Only tests lower it (through the internal
    /// initialiser), to keep debug test runs short; the public one always uses the default.
    let passwordIterations: Int

    /// Opens (creating if needed, with its directory) the database at `path` and migrates its schema.
    public convenience init(path: String) throws {
        try self.init(path: path, passwordIterations: PasswordHasher.defaultIterations)
    }

    package init(path: String, passwordIterations: Int) throws {
        self.path = path
        self.passwordIterations = passwordIterations
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.database("cannot create directory \(directory) for the database: \(error.localizedDescription)")
        }
        // The file holds sensor keys and password hashes: create it readable by its owner only
        // (SQLite gives the -wal and -shm files the same permissions).
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        // The server and a `d4` command may write at the same moment: wait rather than fail.
        configuration.busyMode = .timeout(10)
        configuration.label = "D4Store"
        // WAL with synchronous=NORMAL cannot corrupt the file; a power cut may lose the last
        // transactions (seconds of statistics), and each commit saves an fsync.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = SQLiteSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError.database("\(path) was written by a newer d4 version (unknown schema migrations); upgrade d4")
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("cannot open \(path): \(error)")
        }
    }

    /// Closes the file; later calls fail. Optional: the pool also closes when the store is released.
    /// (Synchronous here; it satisfies the protocol's `async` requirement.)
    public func close() throws {
        do { try pool.close() } catch { throw StoreError.database("cannot close \(path): \(error)") }
    }

    public func changeGeneration() async throws -> Int64 {
        try await read { db in try Self.generation(db) }
    }

    // MARK: - Plumbing

    /// Runs `body` in a read transaction; database failures become `StoreError.database`.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("\(error)")
        }
    }

    /// Runs `body` in an IMMEDIATE write transaction (all or nothing).
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("\(error)")
        }
    }

    static func generation(_ db: Database) throws -> Int64 {
        guard let value = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'generation'") else {
            throw StoreError.corruptData("the change generation row is missing from table meta")
        }
        return value
    }

    /// Marks an admission-relevant change; call inside the write transaction that made it.
    static func bumpGeneration(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE name = 'generation'")
    }
}
