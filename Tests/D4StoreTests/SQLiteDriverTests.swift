@testable import D4StoreSQLite
import D4Store
import Foundation
import XCTest

/// What only the SQLite driver does: its file (permissions, directories), and migrating databases
/// written by earlier versions. The behaviour every driver shares is in the contract suite.
final class SQLiteDriverTests: XCTestCase {
    override func setUpWithError() throws {
        guard StoreUnderTest.driver == "sqlite" else { throw XCTSkip("SQLite driver tests; the store under test is \(StoreUnderTest.driver)") }
    }

    func testNewDatabaseFileIsReadableByItsOwnerOnly() throws {
        let fixture = try StoreFixture()
        _ = try fixture.open()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.sqlitePath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "it holds keys and password hashes")
    }

    func testCreatesMissingDirectoryAndReportsUnopenablePath() async throws {
        let fixture = try StoreFixture()
        let nested = fixture.directory.appendingPathComponent("a/b/c/d4.sqlite").path
        _ = try SQLiteStore(path: nested)
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested))

        let blocker = fixture.directory.appendingPathComponent("file").path
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        do {
            _ = try SQLiteStore(path: blocker + "/d4.sqlite")
            XCTFail("a path below a regular file cannot be opened")
        } catch let error as StoreError {
            XCTAssertTrue(error.description.hasPrefix("database error:"), error.description)
        }
    }

    /// A database left by a d4 version that knew only the first migration opens, keeps its data and
    /// gains the analysis tables.
    func testVersionOneDatabaseMigrates() async throws {
        let fixture = try StoreFixture()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: fixture.sqlitePath).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try SQLiteSchema.createDatabase(path: fixture.sqlitePath, upTo: "v1-initial", then: """
            INSERT INTO queues (name, type, meta_type, sensors, capacity, drop_policy)
            VALUES ('old-queue', 1, NULL, '[]', 10, 'drop-oldest')
            """)
        let queue = QueueDefinition(name: "old-queue", type: 1, capacity: 10, dropPolicy: "drop-oldest")
        let migrated = try fixture.open()
        let queues = try await migrated.queues()
        XCTAssertEqual(queues, [queue])
        try await migrated.upsertAttacks([AnalysisStoreTests.attack(id: "after-migration")])
        let attacks = try await migrated.attacks(AttackQuery())
        XCTAssertEqual(attacks.map(\.id), ["after-migration"])
    }

    // The stored password hash (only this driver lets a test read it).

    func testProductionHashIsPBKDF2With210000IterationsAndNoPassword() async throws {
        let fixture = try StoreFixture()
        let store = try XCTUnwrap(try fixture.open() as? SQLiteStore)
        let password = "the operator's password"
        try await store.addUser(name: "one", password: password, role: "user")
        let stored = try await store.storedPasswordHash(name: "one")
        let hash = try XCTUnwrap(stored)
        XCTAssertFalse(hash.contains(password))
        XCTAssertFalse(hash.contains(Data(password.utf8).base64EncodedString()))
        let parts = hash.split(separator: "$")
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[0], "pbkdf2-sha256")
        XCTAssertEqual(Int(parts[1]), 210_000)
        XCTAssertEqual(Data(base64Encoded: String(parts[2]))?.count, 16)
        XCTAssertEqual(Data(base64Encoded: String(parts[3]))?.count, 32)
        try store.close()

        let reopened = try fixture.open()
        let verified = try await reopened.verifyPassword(name: "one", password: password)
        XCTAssertTrue(verified)
    }

    func testSamePasswordGivesDifferentHashes() async throws {
        let fixture = try StoreFixture()
        let store = try XCTUnwrap(try fixture.openWithFastPasswordHashing() as? SQLiteStore)
        try await store.addUser(name: "one", password: "same password", role: "user")
        try await store.addUser(name: "two", password: "same password", role: "user")
        let one = try await store.storedPasswordHash(name: "one")
        let two = try await store.storedPasswordHash(name: "two")
        XCTAssertNotNil(one)
        XCTAssertNotEqual(one, two, "random salts")
        let bothVerify = try await (store.verifyPassword(name: "one", password: "same password"),
                                    store.verifyPassword(name: "two", password: "same password"))
        XCTAssertTrue(bothVerify.0 && bothVerify.1)
    }

    func testDatabaseOfANewerVersionIsRefusedWithAClearMessage() async throws {
        let fixture = try StoreFixture()
        do {
            let store = try XCTUnwrap(try fixture.open() as? SQLiteStore)
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            try store.close()
        }
        do {
            _ = try fixture.open()
            XCTFail("a database with an unknown migration must not be opened")
        } catch let error as StoreError {
            XCTAssertTrue(error.description.contains("newer d4 version"), error.description)
        }
    }
}
