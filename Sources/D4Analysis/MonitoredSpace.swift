import Foundation
import PacketCapture

/// An IPv4 prefix such as 198.51.100.0/24.
public struct IPv4Prefix: Hashable, Sendable, Codable, CustomStringConvertible {
    public let network: UInt32
    public let length: Int

    public init(network: UInt32, length: Int) {
        precondition((0 ... 32).contains(length), "prefix length out of range")
        self.length = length
        self.network = network & Self.mask(length)
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    public var addressCount: UInt64 { UInt64(1) << UInt64(32 - length) }
    public var description: String { "\(IPAddress.v4(network).description)/\(length)" }

    @inline(__always) public func contains(_ address: UInt32) -> Bool {
        address & Self.mask(length) == network
    }

    /// Parses "a.b.c.d/len" or a bare address (a /32).
    public init(parsing text: String) throws(MonitoredSpaceError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let parsed = IPAddress(String(parts[0])), case .v4(let address) = parsed else {
            if parts.count <= 2, IPAddress(String(parts[0])) != nil { throw .ipv6NotSupported(trimmed) }
            throw .invalidPrefix(trimmed)
        }
        var length = 32
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let bits = Int(parts[1]), (0 ... 32).contains(bits)
            else { throw .invalidPrefix(trimmed) }
            length = bits
        }
        self.init(network: address, length: length)
    }
}

public enum MonitoredSpaceError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidPrefix(String)
    case ipv6NotSupported(String)
    case empty

    public var description: String {
        switch self {
        case .invalidPrefix(let text): "'\(text)' is not an IPv4 prefix like 198.51.100.0/24"
        case .ipv6NotSupported(let text):
            "'\(text)' is IPv6: the monitored share is only used to extrapolate IPv4 rates, give IPv4 prefixes"
        case .empty: "no monitored prefix given"
        }
    }
}

/// The IPv4 addresses a telescope watches (`--monitored`). Overlapping prefixes are merged so the
/// address count used for extrapolation counts each address once.
public struct MonitoredSpace: Hashable, Sendable, Codable, CustomStringConvertible {
    public let prefixes: [IPv4Prefix]

    public init(prefixes: [IPv4Prefix]) {
        // Keep only prefixes not covered by a shorter one already kept.
        let sorted = prefixes.sorted { ($0.length, $0.network) < ($1.length, $1.network) }
        var kept: [IPv4Prefix] = []
        for prefix in sorted where !kept.contains(where: { $0.contains(prefix.network) }) {
            kept.append(prefix)
        }
        self.prefixes = kept.sorted { $0.network < $1.network }
    }

    /// Parses a comma-separated list such as "198.51.100.0/24,203.0.113.0/25".
    public init(parsing list: String) throws(MonitoredSpaceError) {
        var parsed: [IPv4Prefix] = []
        for item in list.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            parsed.append(try IPv4Prefix(parsing: String(item)))
        }
        guard !parsed.isEmpty else { throw .empty }
        self.init(prefixes: parsed)
    }

    public var addressCount: UInt64 { prefixes.reduce(0) { $0 + $1.addressCount } }

    @inline(__always) public func contains(_ address: IPAddress) -> Bool {
        guard case .v4(let value) = address else { return false }
        for prefix in prefixes where prefix.contains(value) { return true }
        return false
    }

    public var description: String { prefixes.map(\.description).joined(separator: ",") }
}
