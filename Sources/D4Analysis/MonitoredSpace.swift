import Foundation
import D4Basics

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
    /// IPv4 blocks, none inside another, in address order.
    public let prefixes: [IPNetwork]
    /// The same blocks as (network, mask) pairs: the per-packet test is two integer operations each.
    private let masks: [IPv4Block]

    private struct IPv4Block: Hashable, Sendable {
        var network: UInt32
        var mask: UInt32
    }

    /// IPv4 blocks only (an IPv6 block in `prefixes` is ignored: the share extrapolates IPv4 rates).
    public init(prefixes: [IPNetwork]) {
        // Keep only prefixes not covered by a shorter one already kept.
        let sorted = prefixes.filter(\.address.isV4).sorted { ($0.prefixLength, $0.address) < ($1.prefixLength, $1.address) }
        var kept: [IPNetwork] = []
        for prefix in sorted where !kept.contains(where: { $0.contains(prefix) }) {
            kept.append(prefix)
        }
        self.prefixes = kept.sorted { $0.address < $1.address }
        masks = self.prefixes.compactMap { prefix in
            guard case .v4(let network) = prefix.address else { return nil }
            return IPv4Block(network: network, mask: IPNetwork.ipv4Mask(prefix.prefixLength))
        }
    }

    /// Parses a comma-separated list such as "198.51.100.0/24,203.0.113.0/25" (a bare address is a /32).
    public init(parsing list: String) throws(MonitoredSpaceError) {
        var parsed: [IPNetwork] = []
        for item in list.split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let network = IPNetwork(text) else { throw .invalidPrefix(text) }
            guard network.address.isV4 else { throw .ipv6NotSupported(text) }
            parsed.append(network)
        }
        guard !parsed.isEmpty else { throw .empty }
        self.init(prefixes: parsed)
    }

    public var addressCount: UInt64 { prefixes.reduce(0) { $0 + $1.addressCount } }

    @inline(__always) public func contains(_ address: IPAddress) -> Bool {
        guard case .v4(let value) = address else { return false }
        for block in masks where value & block.mask == block.network { return true }
        return false
    }

    public var description: String { prefixes.map(\.description).joined(separator: ",") }

    // Coded as the text `--monitored` takes.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
