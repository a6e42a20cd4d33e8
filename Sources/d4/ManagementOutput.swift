import D4Administration
import Foundation

/// How management commands print: UTC times, grouped numbers, aligned tables, JSON for scripts.
/// Text that came from sensors or operators (descriptions, reasons) is escaped so that it cannot
/// break a table or send terminal control sequences.
enum ManagementOutput {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// "2026-11-25T09:38:47Z", or `missing` when there is no time.
    static func time(_ date: Date?, missing: String = "-") -> String {
        guard let date else { return missing }
        return date.formatted(.iso8601)
    }

    /// 1234567 → "1,234,567", independent of the locale.
    static func grouped<Number: BinaryInteger>(_ value: Number) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// Text from sensors or operators, safe for a terminal (see `Printable`).
    static func printable(_ text: String, limit: Int? = nil) -> String {
        Printable.text(text, limit: limit)
    }

    /// A header line above left-aligned columns.
    static func table(header: [String], rows: [[String]]) -> String {
        columns([header] + rows)
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    static func columns(_ all: [[String]]) -> String {
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// Pretty JSON with sorted keys and ISO 8601 times, for `--json`.
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

private extension String {
    /// An empty last cell must not leave padding at the end of the line.
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
