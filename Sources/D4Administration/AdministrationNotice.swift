import D4Store
import Foundation

/// Something the operator should know after a management action: what else happened, or what is
/// still needed. Each has one neutral sentence (`description`); a front-end may add its own hint of
/// how to act on it (the CLI names the command, the web UI a button).
public enum AdministrationNotice: Sendable, Hashable, CustomStringConvertible {
    /// The store had no record of the sensor: the action created one (pre-registration).
    case preRegistered(UUID, state: SensorState)
    /// A pre-registered sensor without a key of its own uses the server default key.
    case defaultKeyApplies(UUID)
    /// Registration mode: the new pending sensor may connect only once approved.
    case awaitsApproval(UUID)
    /// The sensor relies on the server default key, and there is none: it is refused until it gets one.
    case noDefaultKey
    /// After `block`: whether the addresses it connects from are blocklisted too.
    case sourceIPsBlocklisted(Bool)
    /// After `unblock`: recent source addresses of the sensor that the IP blocklist still refuses.
    case stillOnBlocklist([String])
    /// Types 2 and 254 go together; one without the other is almost always a mistake.
    case typePairing(TypePairing)
    /// No type is accepted any more: every connection is refused.
    case noTypeAccepted

    public enum TypePairing: Sendable, Hashable {
        case extendedWithoutMetaHeader
        case metaHeaderWithoutExtended
    }

    public var description: String {
        switch self {
        case .preRegistered(let uuid, let state):
            "sensor \(SensorAdministration.text(uuid)) was not in the store: created it (pre-registered), state \(state.rawValue)"
        case .defaultKeyApplies:
            "it has no key of its own: the server default key applies"
        case .awaitsApproval:
            "the server is in registration mode: the sensor may connect once approved"
        case .noDefaultKey:
            "the server has no default key: the sensor is refused until it gets a key"
        case .sourceIPsBlocklisted(let on):
            on ? "every source IP it connects from is added to the IP blocklist" : "its source IPs are not blocklisted"
        case .stillOnBlocklist(let addresses):
            "still on the IP blocklist: \(addresses.joined(separator: ", "))"
        case .typePairing(.extendedWithoutMetaHeader):
            "type 254 is accepted but type 2 is not: 254 streams must start with a type-2 meta header, so they are all refused"
        case .typePairing(.metaHeaderWithoutExtended):
            "type 2 is accepted but type 254 is not: meta headers are useless without the 254 frames they describe"
        case .noTypeAccepted:
            "no type is accepted any more: every connection is refused"
        }
    }
}
