import D4Basics
import Foundation

/// The YYYYMMDD day label of counters, computed arithmetically (no DateFormatter, no locale, no allocation
/// beyond the result) so the server can derive it cheaply when it aggregates.
public enum UTCDay {
    /// Day label of a moment given as seconds since the epoch.
    public static func label(epochSeconds: Int64) -> String {
        let date = CivilDate(epochSeconds: epochSeconds)
        return String(format: "%04lld%02lld%02lld", date.year, date.month, date.day)
    }

    public static func label(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        // Clamp absurd dates instead of trapping on the Int64 conversion.
        let clamped = max(-62_135_596_800, min(253_402_300_799, seconds.rounded(.down)))
        return label(epochSeconds: Int64(clamped))
    }

    /// True if `text` has the YYYYMMDD shape with a plausible month and day.
    public static func isValid(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let month = Int(digits[4] - 0x30) * 10 + Int(digits[5] - 0x30)
        let day = Int(digits[6] - 0x30) * 10 + Int(digits[7] - 0x30)
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// A day label `YYYYMMDD` as `YYYY-MM-DD` (the API's and the CLI's form); other text as it is.
    public static func isoDate(_ label: String) -> String {
        let bytes = Array(label.utf8)
        guard bytes.count == 8 else { return label }
        return String(decoding: bytes[0..<4] + [UInt8(ascii: "-")] + bytes[4..<6] + [UInt8(ascii: "-")] + bytes[6..<8],
                      as: UTF8.self)
    }
}
