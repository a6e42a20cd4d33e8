@testable import D4Store
import Foundation
import XCTest

/// A fresh SQLite file in its own temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: URL
    var path: String { directory.appendingPathComponent("data/d4.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("d4store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }

    /// A store whose new password hashes use fewer PBKDF2 iterations: the KDF in a debug build takes
    /// seconds at the production count. Hashes record their count, so both kinds verify.
    func openWithFastPasswordHashing() throws -> SQLiteStore {
        try SQLiteStore(path: path, passwordIterations: 1_000)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

extension XCTestCase {
    /// Opens a store on a new temporary file; the file is deleted at the end of the test.
    func makeStore() throws -> (SQLiteStore, TemporaryStore) {
        let temporary = try TemporaryStore()
        addTeardownBlock { _ = temporary }
        return (try temporary.open(), temporary)
    }

    /// Like `makeStore()`, with fast password hashing (see `TemporaryStore.openWithFastPasswordHashing`).
    func makeStoreWithFastPasswordHashing() throws -> (SQLiteStore, TemporaryStore) {
        let temporary = try TemporaryStore()
        addTeardownBlock { _ = temporary }
        return (try temporary.openWithFastPasswordHashing(), temporary)
    }

    /// Asserts that `body` throws a `StoreError`, equal to `expected` when given; returns the error.
    @discardableResult
    func assertThrowsStoreError(
        _ expected: StoreError? = nil, file: StaticString = #filePath, line: UInt = #line,
        _ body: () async throws -> Void
    ) async -> StoreError? {
        do {
            try await body()
            XCTFail("expected a StoreError, nothing was thrown", file: file, line: line)
            return nil
        } catch let error as StoreError {
            if let expected { XCTAssertEqual(error, expected, file: file, line: line) }
            return error
        } catch {
            XCTFail("expected a StoreError, got \(error)", file: file, line: line)
            return nil
        }
    }
}

/// Fixed moments so tests compare exact dates (whole seconds survive the REAL column exactly).
enum Moment {
    static let base = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24 16:00:00 UTC
    static func at(_ offset: TimeInterval) -> Date { base.addingTimeInterval(offset) }
    static let day = "20251124"
}

/// A version-4 UUID (Foundation's UUID() is random v4).
func sensorUUID() -> UUID { UUID() }
