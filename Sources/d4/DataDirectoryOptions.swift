import ArgumentParser
import D4Store
import Foundation

/// Where a server keeps its data, shared by `d4 server` and the management commands, which act on
/// the data directory of a running or stopped server.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default ./d4-data, or $D4_DATA_DIR).")
    var dataDirectory: String?

    var url: URL {
        URL(fileURLWithPath: dataDirectory ?? ProcessInfo.processInfo.environment["D4_DATA_DIR"] ?? "d4-data")
    }

    var databasePath: String { url.appendingPathComponent("d4.sqlite").path }

    /// Opens the store of an existing data directory (management commands must not create one by mistake).
    func openExistingStore() throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ValidationError("no D4 data at \(url.path) (no d4.sqlite): start `d4 server --data-dir \(url.path)` once, or pass --data-dir")
        }
        return try SQLiteStore(path: databasePath)
    }

    /// Opens or creates the store (the server's first start).
    func openOrCreateStore() throws -> SQLiteStore {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return try SQLiteStore(path: databasePath)
    }
}
