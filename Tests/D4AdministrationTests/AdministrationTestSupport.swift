import D4Store
import D4StoreFactory
import Foundation
import XCTest

/// A real store (SQLite file through the factory, as the server opens it) in a folder removed at the
/// end of the test; new password hashes use few PBKDF2 iterations to keep debug runs short.
extension XCTestCase {
    func makeStore() throws -> any D4Store {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("d4-admin-tests-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        var options = StoreFactory.Options()
        options.passwordIterations = 1_000
        return try StoreFactory.open(.sqlite(path: folder.appendingPathComponent("d4.sqlite").path), options: options)
    }

    /// Asserts that `body` throws, and returns the error.
    func assertThrows(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> (any Error)? {
        do {
            try await body()
            XCTFail("expected an error, nothing was thrown", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }
}

/// A random version-4 UUID (what sensors use).
func sensorUUID() -> UUID { UUID() }

/// A version-1 UUID (time-based): the server refuses it.
let versionOneUUID = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
