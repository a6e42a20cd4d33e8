import D4Store
import D4StoreSQLite
import Foundation

/// Opens the store at a location: the one place that knows every driver, so callers work with
/// `any D4Store` and adding a driver touches this file and the driver only.
public enum StoreFactory {
    /// How a store is opened.
    public struct Options: Sendable {
        /// Refuse to create a store that does not exist yet (management commands must not make one
        /// by mistake); the server's first start creates it.
        public var mustExist: Bool
        /// PBKDF2 iterations for new password hashes. Only the package's tests lower it (a debug
        /// build takes seconds per hash at the production count); hashes record their own count.
        package var passwordIterations: Int

        public init(mustExist: Bool = false) {
            self.mustExist = mustExist
            passwordIterations = PasswordHasher.defaultIterations
        }
    }

    /// Opens (and migrates) the store at `location`.
    public static func open(_ location: StoreLocation, options: Options = Options()) throws -> any D4Store {
        switch location {
        case .sqlite(let path):
            if options.mustExist, !FileManager.default.fileExists(atPath: path) { throw StoreLocationError.notFound(location) }
            return try SQLiteStore(path: path, passwordIterations: options.passwordIterations)
        }
    }
}
