/// An IPv4 or IPv6 address as numbers (network order read into host integers): the one address type
/// of the project, from packet dissection (no allocation per packet) to blocklists and API queries.
///
/// `==`, `<` and hashing are written out and inlinable: the analyzer's tables compare and hash
/// addresses per packet from other modules, where a synthesized conformance would be an opaque call.
@frozen
public enum IPAddress: Hashable, Sendable, Comparable {
    case v4(UInt32)
    /// High and low 64 bits of the 128-bit address.
    case v6(UInt64, UInt64)

    @inlinable
    public static func == (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x == y
        case (.v6(let xh, let xl), .v6(let yh, let yl)): return xh == yh && xl == yl
        default: return false
        }
    }

    /// IPv4 before IPv6, then numerically.
    @inlinable
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let xh, let xl), .v6(let yh, let yl)): return (xh, xl) < (yh, yl)
        }
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .v4(let value):
            hasher.combine(value)
        case .v6(let high, let low):
            hasher.combine(high)
            hasher.combine(low)
        }
    }

    @inlinable public var isV4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// Bits in the address: 32 or 128.
    @inlinable public var bitWidth: Int { isV4 ? 32 : 128 }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4
    /// peer) as the IPv4 address it carries; any other address as it is. Operator input and peer
    /// addresses are compared in this form, so a blocklisted IPv4 address also matches when mapped.
    @inlinable public var unmapped: IPAddress {
        if case .v6(0, let low) = self, low >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: low)) }
        return self
    }

    /// The 4 or 16 bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0 ..< 4).map { UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0 ..< 8).map { UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * $0)) }
                + (0 ..< 8).map { UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * $0)) }
        }
    }

    /// From 4 or 16 bytes in network order; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        switch array.count {
        case 4:
            self = .v4(array.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            self = .v6(array[0 ..< 8].reduce(0) { $0 << 8 | UInt64($1) }, array[8 ..< 16].reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
    }
}
