/// An address block "address/prefix" (a plain address is a /32 or /128 block): blocklist entries,
/// monitored address space, victim prefixes in queries.
public struct IPNetwork: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The network address: host bits below the prefix are zero.
    public let address: IPAddress
    public let prefixLength: Int

    /// The block of `address` with `prefixLength` bits (0…32 or 0…128); host bits are cleared.
    public init?(address: IPAddress, prefixLength: Int) {
        guard (0 ... address.bitWidth).contains(prefixLength) else { return nil }
        self.address = Self.masked(address, prefixLength)
        self.prefixLength = prefixLength
    }

    /// Parses "192.0.2.7", "192.0.2.0/24", "2001:db8::/32". Host bits under the prefix are cleared;
    /// an IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) is the IPv4 block it carries (`10.0.0.0/8`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let parsed = IPAddress(String(parts[0])) else { return nil }
        let address = parsed.unmapped
        var prefix = address.bitWidth
        if parts.count == 2 {
            guard (1 ... 3).contains(parts[1].count), parts[1].allSatisfy({ ("0" ... "9").contains($0) }),
                  let value = Int(parts[1]) else { return nil }
            let mappedOffset = parsed == address ? 0 : 96
            guard value >= mappedOffset, value - mappedOffset <= address.bitWidth else { return nil }
            prefix = value - mappedOffset
        }
        self.init(address: address, prefixLength: prefix)
    }

    public var isSingleAddress: Bool { prefixLength == address.bitWidth }

    /// Addresses in the block (saturating at `UInt64.max` for IPv6 blocks wider than /64).
    public var addressCount: UInt64 {
        let hostBits = address.bitWidth - prefixLength
        return hostBits >= 64 ? .max : UInt64(1) << UInt64(hostBits)
    }

    /// "a.b.c.d" for a single address, "a.b.c.0/24" for a block.
    public var description: String { isSingleAddress ? address.description : "\(address)/\(prefixLength)" }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4, .v4), (.v6, .v6): return Self.masked(candidate, prefixLength) == address
        default: return false
        }
    }

    /// True when every address of `other` is in this block.
    public func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    public static func < (a: IPNetwork, b: IPNetwork) -> Bool {
        (a.address, a.prefixLength) < (b.address, b.prefixLength)
    }

    /// The IPv4 mask of a prefix length, e.g. 24 → 0xFFFF_FF00.
    @inlinable public static func ipv4Mask(_ length: Int) -> UInt32 {
        length <= 0 ? 0 : length >= 32 ? .max : UInt32.max << UInt32(32 - length)
    }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            return .v4(value & ipv4Mask(length))
        case .v6(let high, let low):
            let highMask: UInt64 = length <= 0 ? 0 : length >= 64 ? .max : UInt64.max << UInt64(64 - length)
            let lowMask: UInt64 = length <= 64 ? 0 : length >= 128 ? .max : UInt64.max << UInt64(128 - length)
            return .v6(high & highMask, low & lowMask)
        }
    }
}
