import D4Store
import Foundation

/// A management action that cannot be done, with a message an operator can act on (the CLI prints it
/// after `error:`, the web UI shows it). Store failures arrive as `StoreError`, which carries its own.
public enum AdministrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Only pending registrations can be rejected.
    case notPending(UUID, SensorState)
    /// The kick would last longer than the bound (block the sensor instead).
    case kickTooLong(seconds: Int, limit: Int)
    /// An address not on the blocklist, possibly inside a blocked network.
    case notBlocklisted(String, coveredBy: [String])
    /// The text is not an address or CIDR network.
    case invalidBlockEntry(String)
    /// A queue name that belongs to a built-in analyzer.
    case reservedQueue(String)
    case invalidQueue(String)

    public var description: String {
        switch self {
        case .notPending(let uuid, let state):
            "sensor \(SensorAdministration.text(uuid)) is \(state.rawValue), not pending: only pending registrations can be rejected (block it instead)"
        case .kickTooLong(let seconds, let limit):
            "a kick of \(seconds) s is outside 1…\(limit) (a week); to keep a sensor out longer, block it"
        case .notBlocklisted(let entry, let covering):
            "\(entry) is not on the blocklist" + (covering.isEmpty ? "" : " (it is inside the blocked network \(covering.joined(separator: ", ")))")
        case .invalidBlockEntry(let text):
            "\"\(Printable.text(text, limit: 60))\" is not an IPv4/IPv6 address or CIDR network (like 192.0.2.7, 192.0.2.0/24, 2001:db8::/32)"
        case .reservedQueue(let name):
            "\(name) feeds a built-in analyzer of the server; it is defined and removed with the analyzer (`d4 server --no-live-analysis` turns the telescope analyzer off)"
        case .invalidQueue(let why):
            why
        }
    }
}
