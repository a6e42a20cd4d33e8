/// An address block "address/prefix" (a plain address is a /32 or /128 block).
public struct IPNetwork: Hashable, Sendable {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses "192.0.2.7", "192.0.2.0/24", "2001:db8::/32". Host bits under the prefix are cleared.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let width = address.bytes.count * 8
        var prefix = width
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ ("0"..."9").contains($0) }),
                  let value = Int(parts[1]) else { return nil }
            // A mapped IPv6 block ::ffff:a.b.c.d/104 becomes the IPv4 block a.b.c.d/8.
            let mappedOffset = (address.isIPv4 && parts[0].contains(":")) ? 96 : 0
            guard value >= mappedOffset, value - mappedOffset <= width else { return nil }
            prefix = value - mappedOffset
        }
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsKept = max(0, min(8, prefix - index * 8))
            bytes[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        self.address = IPAddress(bytes: bytes)
        self.prefixLength = prefix
    }

    public var isSingleAddress: Bool { prefixLength == address.bytes.count * 8 }

    /// "a.b.c.d" for a single address, "a.b.c.0/24" for a block.
    public var text: String { isSingleAddress ? address.text : "\(address.text)/\(prefixLength)" }

    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for index in address.bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if candidate.bytes[index] & mask != address.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}

extension IPAddress {
    init(bytes: [UInt8]) { self.bytes = bytes }
}
