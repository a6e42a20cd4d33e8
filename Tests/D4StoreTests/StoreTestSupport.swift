import D4Store
import D4StoreFactory
import Foundation
import XCTest

/// The store under test: the store contract suite (every test of this target that goes through
/// `makeStore()`) runs against the driver named by `$D4_TEST_STORE` — `sqlite` (the default) today;
/// a PostgreSQL driver adds its scheme here and runs the same suite. Tests of one driver's own
/// behaviour (files, migrations) live in a file named after the driver.
enum StoreUnderTest {
    static var driver: String { ProcessInfo.processInfo.environment["D4_TEST_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite" }
}

/// A fresh store location of the driver under test, removed when the test ends; `open()` can be
/// called again (a restart, or a second writer on the same store).
final class StoreFixture: @unchecked Sendable {
    let directory: URL
    let location: StoreLocation

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("d4store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch StoreUnderTest.driver {
        case "sqlite": location = .sqlite(path: directory.appendingPathComponent("data/d4.sqlite").path)
        case let other: throw XCTSkip("D4_TEST_STORE=\(other): no such store driver in this build")
        }
    }

    /// For tests of the SQLite driver itself: the file's path.
    var sqlitePath: String {
        guard case .sqlite(let path) = location else { preconditionFailure("not a SQLite fixture") }
        return path
    }

    func open() throws -> any D4Store { try StoreFactory.open(location) }

    /// A store whose new password hashes use fewer PBKDF2 iterations: the KDF in a debug build takes
    /// seconds at the production count. Hashes record their count, so both kinds verify.
    func openWithFastPasswordHashing() throws -> any D4Store {
        var options = StoreFactory.Options()
        options.passwordIterations = 1_000
        return try StoreFactory.open(location, options: options)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

extension XCTestCase {
    /// Opens a store of the driver under test at a new location, removed at the end of the test.
    func makeStore() throws -> (any D4Store, StoreFixture) {
        let fixture = try StoreFixture()
        addTeardownBlock { _ = fixture }
        return (try fixture.open(), fixture)
    }

    /// Like `makeStore()`, with fast password hashing (see `StoreFixture.openWithFastPasswordHashing`).
    func makeStoreWithFastPasswordHashing() throws -> (any D4Store, StoreFixture) {
        let fixture = try StoreFixture()
        addTeardownBlock { _ = fixture }
        return (try fixture.openWithFastPasswordHashing(), fixture)
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
