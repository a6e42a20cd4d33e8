import Foundation

/// Every failure of a store operation, with a message an operator can act on.
public enum StoreError: Error, Sendable, Equatable {
    case sensorNotFound(UUID)
    case keyEmpty
    case keyTooLong(bytes: Int, limit: Int)
    case userNotFound(String)
    case userExists(String)
    case queueNotFound(String)
    case ipNotBlocked(String)
    /// A value that fails validation; the text says which and why.
    case invalidInput(String)
    /// The stored data cannot be read back (hand-edited or written by a newer version).
    case corruptData(String)
    /// The database itself failed (file, lock, disk); the text carries the underlying error.
    case database(String)
}

extension StoreError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .sensorNotFound(let uuid): "sensor \(uuid.uuidString.lowercased()) not found"
        case .keyEmpty: "key is empty; a sensor key needs at least 1 byte"
        case .keyTooLong(let bytes, let limit):
            "key is \(Self.grouped(bytes)) bytes, over the limit of \(Self.grouped(limit))"
        case .userNotFound(let name): "user \"\(name)\" not found"
        case .userExists(let name): "user \"\(name)\" already exists"
        case .queueNotFound(let name): "queue \"\(name)\" not found"
        case .ipNotBlocked(let ip): "\(ip) is not on the blocklist"
        case .invalidInput(let text): text
        case .corruptData(let text): "stored data unreadable: \(text)"
        case .database(let text): "database error: \(text)"
        }
    }

    public var errorDescription: String? { description }

    /// 2000 → "2,000", independent of the locale (messages go to logs read anywhere).
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}
