/// UTC timestamps as ISO 8601 text ("2026-11-25T09:00:00.123456Z") and back, without Foundation's
/// formatters (which are not Sendable-friendly and vary between platforms).
public enum ISO8601Time {
    /// Formats seconds since the epoch with microsecond precision.
    public static func string(from epochSeconds: Double) -> String {
        guard epochSeconds.isFinite, abs(epochSeconds) < 2.5e11 else { return "invalid" }
        var whole = Int64(epochSeconds.rounded(.down))
        var micros = Int64(((epochSeconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        let days = CivilDate.days(containing: whole)
        let secondOfDay = whole - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(micros, 6) + "Z"
    }

    /// The date part only ("2026-11-25").
    public static func dateString(from epochSeconds: Double) -> String {
        String(string(from: epochSeconds).prefix(10))
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; nil when the text is not such a timestamp.
    public static func epochSeconds(from text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for b in bytes[start ..< start + count] {
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int64(b - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32,
              bytes[13] == 58, bytes[16] == 58,
              let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2),
              (1 ... 12).contains(mo), (1 ... 31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == 90 {
            index += 1
        } else if bytes[index] == 43 || bytes[index] == 45, let oh = number(index + 1, 2),
                  bytes.count > index + 3, bytes[index + 3] == 58, let om = number(index + 4, 2) {
            offset = (oh * 3600 + om * 60) * (bytes[index] == 43 ? 1 : -1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate(year: y, month: mo, day: d).daysSinceEpoch
        return Double(days * 86_400 + h * 3600 + mi * 60 + s - offset) + fraction
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
