import ArgumentParser
import D4Store
import D4StoreFactory
import Foundation

/// Where a server keeps its data, shared by `d4 server` and the management commands, which act on
/// the data directory (or the database) of a running or stopped server.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default ./d4-data, or $D4_DATA_DIR).")
    var dataDirectory: String?
    @Option(name: .customLong("database"), help: "The store: sqlite:PATH (default sqlite:<data-dir>/d4.sqlite, or $D4_DATABASE).")
    var database: String?

    var url: URL {
        URL(fileURLWithPath: dataDirectory ?? ProcessInfo.processInfo.environment["D4_DATA_DIR"] ?? "d4-data")
    }

    /// `--database`, else `$D4_DATABASE`, else the SQLite file in the data directory.
    func storeLocation() throws -> StoreLocation {
        guard let text = database ?? ProcessInfo.processInfo.environment["D4_DATABASE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return .sqlite(path: url.appendingPathComponent("d4.sqlite").path)
        }
        do { return try StoreLocation(parsing: text) } catch { throw ValidationError("--database: \(error)") }
    }

    /// Opens the store of an existing server (management commands must not create one by mistake).
    func openExistingStore() throws -> any D4Store {
        let location = try storeLocation()
        do {
            return try StoreFactory.open(location, options: .init(mustExist: true))
        } catch StoreLocationError.notFound(.sqlite(let path)) where database == nil {
            throw ValidationError("no D4 data at \(url.path) (no \(URL(fileURLWithPath: path).lastPathComponent)): start `d4 server --data-dir \(url.path)` once, or pass --data-dir")
        }
    }

    /// Opens or creates the store (the server's first start), with the data directory.
    func openOrCreateStore() throws -> any D4Store {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return try StoreFactory.open(try storeLocation())
    }
}
