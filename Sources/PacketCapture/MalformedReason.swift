/// Why a frame could not be dissected. The raw value is a stable identifier for counters and logs.
public enum MalformedReason: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// The link-layer header (Ethernet, VLAN tags, SLL, NULL, PPP, …) is cut short.
    case truncatedLinkHeader = "truncated-link-header"
    /// The IP version nibble is not the one the link layer announced (4 or 6).
    case badIPVersion = "bad-ip-version"
    /// Fewer than 20 bytes, or fewer than the header length with its options.
    case truncatedIPv4Header = "truncated-ipv4-header"
    /// IHL below 5 (a header shorter than 20 bytes).
    case badIPv4HeaderLength = "bad-ipv4-header-length"
    /// Total length smaller than the header length.
    case badIPv4TotalLength = "bad-ipv4-total-length"
    case truncatedIPv6Header = "truncated-ipv6-header"
    /// An extension header runs past the payload length or the captured bytes.
    case badIPv6ExtensionHeaderChain = "bad-ipv6-extension-header-chain"
    case truncatedTCPHeader = "truncated-tcp-header"
    /// Data offset below 5, or a header longer than the IP payload.
    case badTCPDataOffset = "bad-tcp-data-offset"
    case truncatedUDPHeader = "truncated-udp-header"
    /// Fewer than the 4 bytes of type, code and checksum.
    case truncatedICMPHeader = "truncated-icmp-header"

    public var description: String { rawValue }

    /// Dense index for counter arrays (allCases order).
    @usableFromInline
    var index: Int {
        switch self {
        case .truncatedLinkHeader: return 0
        case .badIPVersion: return 1
        case .truncatedIPv4Header: return 2
        case .badIPv4HeaderLength: return 3
        case .badIPv4TotalLength: return 4
        case .truncatedIPv6Header: return 5
        case .badIPv6ExtensionHeaderChain: return 6
        case .truncatedTCPHeader: return 7
        case .badTCPDataOffset: return 8
        case .truncatedUDPHeader: return 9
        case .truncatedICMPHeader: return 10
        }
    }
}
