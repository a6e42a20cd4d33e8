import Foundation

/// Where a store lives, as an operator writes it (`--database`): `sqlite:PATH` for the embedded
/// SQLite file. The factory turns it into a store; a new driver adds a case here and a branch there.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)

    /// Parses `sqlite:PATH` (a relative PATH is relative to the working directory).
    public init(parsing text: String) throws(StoreLocationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .missingPath(text) }
            self = .sqlite(path: path)
            return
        }
        throw .unknownScheme(text)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}

/// A store location that cannot be used, with what to write instead.
public enum StoreLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownScheme(String)
    case missingPath(String)
    /// `mustExist` was asked and there is no store there.
    case notFound(StoreLocation)

    public var description: String {
        switch self {
        case .unknownScheme(let text):
            "unknown store location \"\(text)\": use sqlite:PATH (this version has the embedded SQLite store only)"
        case .missingPath(let text):
            "store location \"\(text)\" has no path: use sqlite:PATH, e.g. sqlite:d4-data/d4.sqlite"
        case .notFound(let location):
            "no store at \(location)"
        }
    }
}
