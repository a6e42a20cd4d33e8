import D4Basics
import Foundation
import Hummingbird

/// Validation of path and query values, each failure a 400 saying what was expected.
enum RequestParsing {
    /// 9999-12-31T23:59:59Z: times beyond cannot be stored or printed as ISO 8601.
    static let maximumEpochSeconds: Double = 253_402_300_799

    static func uuid(_ text: String?, name: String) throws -> UUID {
        guard let text, let uuid = UUID(uuidString: text) else {
            throw APIError.badRequest("\(name) \"\(text ?? "")\" is not a UUID (expected e.g. 3b1f2c4e-8a9d-4f00-9c1e-2a5b6c7d8e9f)")
        }
        return uuid
    }

    /// A moment as ISO-8601 UTC (`2026-11-25T10:00:00Z`, with a fraction or an offset), a day
    /// (`2026-11-25`, its start) or seconds since the epoch.
    static func time(_ text: String, name: String) throws -> Date {
        let seconds = Double(text).flatMap { $0.isFinite ? $0 : nil } ?? ISO8601Time.epochSeconds(from: text)
            ?? (try? civilDay(text)).map { Double($0.startEpochSeconds) }
        if let seconds {
            guard abs(seconds) <= maximumEpochSeconds else {
                throw APIError.badRequest("\(name) \"\(text)\" is out of range: use a time between years 1 and 9999")
            }
            return Date(timeIntervalSince1970: seconds)
        }
        throw APIError.badRequest("\(name) \"\(text)\" is not a time; use ISO-8601 UTC (2026-11-25T10:00:00Z), a day (2026-11-25) or epoch seconds")
    }

    /// `YYYY-MM-DD` (or the store's `YYYYMMDD`) as the store's day label `YYYYMMDD`.
    static func day(_ text: String) throws -> String {
        let date = try civilDay(text)
        return String(format: "%04lld%02lld%02lld", date.year, date.month, date.day)
    }

    /// `YYYY-MM-DD` or `YYYYMMDD`, a day that exists.
    private static func civilDay(_ text: String) throws -> CivilDate {
        var bytes = Array(text.utf8)
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") {
            bytes.remove(at: 7)
            bytes.remove(at: 4)
        }
        func number(_ range: Range<Int>) -> Int64 {
            bytes[range].reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        guard bytes.count == 8, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw badDay(text) }
        let date = CivilDate(year: number(0..<4), month: number(4..<6), day: number(6..<8))
        guard date.isValid else { throw badDay(text) }
        return date
    }

    private static func badDay(_ text: String) -> APIError {
        APIError.badRequest("day \"\(text)\" is not a date; use YYYY-MM-DD (UTC), e.g. 2026-11-25")
    }
}
