import ArgumentParser
import Foundation

/// Parses a sensor UUID as operators type it: 32 hex digits with or without the usual dashes,
/// in any case ("3B6B1C6E-…", "3b6b1c6e…"). Used as an ArgumentParser transform, so bad text is
/// reported like any other invalid argument.
enum SensorUUIDArgument {
    static func parse(_ text: String) throws -> UUID {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let hex = trimmed.replacingOccurrences(of: "-", with: "")
        let dashesInPlace = trimmed.count == 32 || (trimmed.count == 36 && [8, 13, 18, 23].allSatisfy {
            trimmed[trimmed.index(trimmed.startIndex, offsetBy: $0)] == "-"
        })
        guard dashesInPlace, hex.count == 32, hex.allSatisfy(\.isHexDigit), let uuid = UUID(uuidString: dashed(hex)) else {
            throw ValidationError("\"\(ManagementOutput.printable(text, limit: 60))\" is not a sensor UUID: expected 32 hex digits, with or without dashes (like 3b6b1c6e-8a1f-4d2c-9a5e-0c1d2e3f4a5b)")
        }
        return uuid
    }

    /// Lower-case text form, as the reference and the store show UUIDs.
    static func text(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }

    private static func dashed(_ hex: String) -> String {
        let characters = Array(hex.uppercased())
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
