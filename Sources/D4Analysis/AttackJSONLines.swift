import D4Results
import Foundation

/// `--format json`: one JSON object per attack per line (JSON Lines), keys sorted for stable output.
public enum AttackJSONLines {
    public static func line(for attack: Attack) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(attack)
        return String(decoding: data, as: UTF8.self)
    }

    public static func render(_ attacks: [Attack]) throws -> String {
        try attacks.map { try line(for: $0) + "\n" }.joined()
    }
}
