import Foundation
import Hummingbird

/// Validation of path and query values, each failure a 400 saying what was expected.
enum RequestParsing {
    static func uuid(_ text: String?, name: String) throws -> UUID {
        guard let text, let uuid = UUID(uuidString: text) else {
            throw APIError.badRequest("\(name) \"\(text ?? "")\" is not a UUID (expected e.g. 3b1f2c4e-8a9d-4f00-9c1e-2a5b6c7d8e9f)")
        }
        return uuid
    }

    /// A moment as ISO-8601 UTC (`2026-11-25T10:00:00Z`), a day (`2026-11-25`, its start) or seconds
    /// since the epoch.
    static func time(_ text: String, name: String) throws -> Date {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        if let label = try? day(text) {
            let dayOnly = ISO8601DateFormatter()
            dayOnly.formatOptions = [.withFullDate]
            if let date = dayOnly.date(from: isoDay(label)) { return date }
        }
        throw APIError.badRequest("\(name) \"\(text)\" is not a time; use ISO-8601 UTC (2026-11-25T10:00:00Z), a day (2026-11-25) or epoch seconds")
    }

    /// `YYYY-MM-DD` (or the store's `YYYYMMDD`) as the store's day label `YYYYMMDD`.
    static func day(_ text: String) throws -> String {
        var bytes = Array(text.utf8)
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") {
            bytes.remove(at: 7)
            bytes.remove(at: 4)
        }
        func number(_ range: Range<Int>) -> Int {
            bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard bytes.count == 8, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              (1...12).contains(number(4..<6)),
              (1...daysIn(month: number(4..<6), year: number(0..<4))).contains(number(6..<8)) else {
            throw APIError.badRequest("day \"\(text)\" is not a date; use YYYY-MM-DD (UTC), e.g. 2026-11-25")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The store's `YYYYMMDD` as `YYYY-MM-DD`.
    static func isoDay(_ label: String) -> String {
        let bytes = Array(label.utf8)
        guard bytes.count == 8 else { return label }
        return String(decoding: bytes[0..<4] + [UInt8(ascii: "-")] + bytes[4..<6] + [UInt8(ascii: "-")] + bytes[6..<8],
                      as: UTF8.self)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
