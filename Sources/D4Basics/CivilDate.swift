/// A day of the proleptic Gregorian calendar, UTC: the one place that turns days since the epoch into
/// year, month and day and back (Howard Hinnant's days-from-civil algorithms), for ISO 8601 text, the
/// store's day labels and query parsing. Pure arithmetic: no formatter, no locale, no time zone.
public struct CivilDate: Hashable, Sendable, Comparable {
    public var year: Int64
    public var month: Int64
    public var day: Int64

    public init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `days` after 1970-01-01 (negative before it).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The UTC day of a moment given as whole seconds since the epoch.
    public init(epochSeconds: Int64) {
        self.init(daysSinceEpoch: Self.days(containing: epochSeconds))
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Seconds since the epoch of the day's start (00:00:00 UTC).
    public var startEpochSeconds: Int64 { daysSinceEpoch * 86_400 }

    /// True when the day exists (month 1…12, day within the month; 29 February only in leap years).
    public var isValid: Bool {
        (1 ... 12).contains(month) && (1 ... 31).contains(day) && CivilDate(daysSinceEpoch: daysSinceEpoch) == self
    }

    /// Whole days since the epoch of the day containing `epochSeconds` (floor, also before 1970).
    public static func days(containing epochSeconds: Int64) -> Int64 {
        epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
