import D4Basics
import D4Results
import Foundation

/// `--format csv`: one row per attack under a header row (RFC 4180 quoting).
public enum AttackCSV {
    public static let columns = [
        "id", "victim", "start", "end", "duration_s", "packets", "bytes", "sensor_addresses", "protocol", "ports",
        "responses", "peak_pps", "peak_minute_pps", "mean_pps", "estimated_pps", "estimated_peak_pps",
        "monitored_addresses", "monitored_share",
    ]

    public static var header: String { columns.joined(separator: ",") + "\n" }

    public static func row(for attack: Attack) -> String {
        let fields: [String] = [
            attack.id, attack.victim, ISO8601Time.string(from: attack.start), ISO8601Time.string(from: attack.end),
            number(attack.duration), String(attack.packets), String(attack.bytes), String(attack.sensorAddresses),
            attack.ipProtocol,
            attack.ports.map { "\($0.port)/\($0.ipProtocol.lowercased())" + ($0.service.map { "(\($0))" } ?? "") }
                .joined(separator: " "),
            attack.responses.map { "\($0.kind)=\($0.packets)" }.joined(separator: " "),
            number(attack.peakPacketsPerSecond), number(attack.peakMinuteRate), number(attack.meanPacketsPerSecond),
            attack.estimatedPacketsPerSecond.map(number) ?? "", attack.estimatedPeakPacketsPerSecond.map(number) ?? "",
            attack.monitoredAddresses.map { String($0) } ?? "", attack.monitoredShareSource,
        ]
        return fields.map(quote).joined(separator: ",") + "\n"
    }

    public static func render(_ attacks: [Attack]) -> String {
        header + attacks.map(row(for:)).joined()
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 1000).rounded() / 1000)
    }
}
