import Foundation

/// The YYYYMMDD day label of counters, computed arithmetically (no DateFormatter, no locale, no allocation
/// beyond the result) so the server can derive it cheaply when it aggregates.
public enum UTCDay {
    /// Day label of a moment given as seconds since the epoch.
    public static func label(epochSeconds: Int64) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return String(format: "%04lld%02lld%02lld", year, month, day)
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

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
