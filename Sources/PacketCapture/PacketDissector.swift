/// Zero-copy dissection of one captured frame into a `DissectedPacket`: link layer, IPv4/IPv6 and
/// TCP/UDP/ICMP(v6) headers read in place, every read bounds-checked first, nothing allocated.
public enum PacketDissector {
    /// Inlinable so that a caller's `switch` on the result folds the enum away: only the packet
    /// struct is written, never a 153-byte enum temporary (see `dissect(linkType:bytes:into:)`).
    @inlinable
    public static func dissect(linkType: UInt16, bytes: UnsafeRawBufferPointer) -> DissectionResult {
        var packet = DissectedPacket.unset
        switch dissect(linkType: linkType, bytes: bytes, into: &packet) {
        case .packet: return .packet(packet)
        case .notIP: return .notIP
        case .unsupportedLinkType(let linkType): return .unsupportedLinkType(linkType)
        case .malformed(let reason): return .malformed(reason)
        }
    }

    /// The same outcome, with the packet written into `packet` (left unspecified unless the status is
    /// `.packet`): the fast path for loops. Returning the 153-byte `DissectionResult` enum costs more
    /// than parsing the headers (its payload is assembled in a temporary and copied), while a struct
    /// is stored field by field.
    public static func dissect(linkType: UInt16, bytes: UnsafeRawBufferPointer,
                               into packet: inout DissectedPacket) -> DissectionStatus {
        let count = bytes.count
        switch linkType {
        case LinkType.ethernet:
            guard count >= 14 else { return .malformed(.truncatedLinkHeader) }
            return etherType(bytes.be16(12), bytes, at: 14, allowLLC: true, into: &packet)
        case LinkType.raw, LinkType.rawBSD, LinkType.rawOpenBSD:
            return rawIP(bytes, at: 0, into: &packet)
        case LinkType.ipv4:
            return ipv4(bytes, at: 0, into: &packet)
        case LinkType.ipv6:
            return ipv6(bytes, at: 0, into: &packet)
        case LinkType.linuxSLL:
            guard count >= 16 else { return .malformed(.truncatedLinkHeader) }
            return etherType(bytes.be16(14), bytes, at: 16, allowLLC: false, into: &packet)
        case LinkType.linuxSLL2:
            guard count >= 20 else { return .malformed(.truncatedLinkHeader) }
            return etherType(bytes.be16(0), bytes, at: 20, allowLLC: false, into: &packet)
        case LinkType.null:
            guard count >= 4 else { return .malformed(.truncatedLinkHeader) }
            // The family is in the capturing host's byte order, which the file does not tell.
            let little = bytes.loadLittleEndianUInt32(at: 0)
            return addressFamily(isKnownFamily(little) ? little : little.byteSwapped, bytes, into: &packet)
        case LinkType.loop:
            guard count >= 4 else { return .malformed(.truncatedLinkHeader) }
            return addressFamily(bytes.be32(0), bytes, into: &packet)
        case LinkType.ciscoHDLC:
            guard count >= 4 else { return .malformed(.truncatedLinkHeader) }
            return etherType(bytes.be16(2), bytes, at: 4, allowLLC: false, into: &packet)
        case LinkType.ppp, LinkType.pppHDLC:
            return ppp(bytes, at: 0, into: &packet)
        default:
            return .unsupportedLinkType(linkType)
        }
    }

    // MARK: Link layer

    /// Follows an EtherType through VLAN tags (802.1Q, 802.1ad, old QinQ), PPPoE, MPLS and LLC/SNAP.
    @inline(__always)
    static func etherType(_ type: UInt16, _ bytes: UnsafeRawBufferPointer, at start: Int, allowLLC: Bool,
                          into packet: inout DissectedPacket) -> DissectionStatus {
        var type = type
        var offset = start
        // Each turn consumes at least 4 bytes, so the loop ends with the frame.
        while true {
            switch type {
            case 0x0800:
                return ipv4(bytes, at: offset, into: &packet)
            case 0x86DD:
                return ipv6(bytes, at: offset, into: &packet)
            case 0x8100, 0x88A8, 0x9100, 0x9200:
                guard bytes.count - offset >= 4 else { return .malformed(.truncatedLinkHeader) }
                type = bytes.be16(offset + 2)
                offset += 4
            case 0x8864:
                // PPPoE session: 6-byte header, then a PPP protocol number.
                guard bytes.count - offset >= 8 else { return .malformed(.truncatedLinkHeader) }
                return pppProtocol(bytes.be16(offset + 6), bytes, at: offset + 8, into: &packet)
            case 0x8847, 0x8848:
                return mpls(bytes, at: offset, into: &packet)
            default:
                // An 802.3 length field: IP only inside LLC/SNAP with a zero OUI (RFC 1042).
                guard allowLLC, type <= 1500 else { return .notIP }
                guard bytes.count - offset >= 8 else { return .malformed(.truncatedLinkHeader) }
                guard bytes[offset] == 0xAA, bytes[offset + 1] == 0xAA, bytes[offset + 2] == 0x03,
                      bytes[offset + 3] == 0, bytes[offset + 4] == 0, bytes[offset + 5] == 0 else { return .notIP }
                type = bytes.be16(offset + 6)
                offset += 8
                if type <= 1500 { return .notIP }
            }
        }
    }

    /// MPLS label stack: skip to the bottom-of-stack label, then guess IPv4/IPv6 from the version.
    static func mpls(_ bytes: UnsafeRawBufferPointer, at start: Int,
                     into packet: inout DissectedPacket) -> DissectionStatus {
        var offset = start
        while true {
            guard bytes.count - offset >= 4 else { return .malformed(.truncatedLinkHeader) }
            let bottom = bytes[offset + 2] & 0x01 != 0
            offset += 4
            if bottom { break }
        }
        guard offset < bytes.count else { return .malformed(.truncatedLinkHeader) }
        switch bytes[offset] >> 4 {
        case 4: return ipv4(bytes, at: offset, into: &packet)
        case 6: return ipv6(bytes, at: offset, into: &packet)
        default: return .notIP
        }
    }

    /// PPP with optional HDLC address/control bytes and optional protocol-field compression.
    static func ppp(_ bytes: UnsafeRawBufferPointer, at start: Int,
                    into packet: inout DissectedPacket) -> DissectionStatus {
        var offset = start
        if bytes.count - offset >= 2, bytes[offset] == 0xFF, bytes[offset + 1] == 0x03 { offset += 2 }
        guard offset < bytes.count else { return .malformed(.truncatedLinkHeader) }
        if bytes[offset] & 0x01 != 0 {
            return pppProtocol(UInt16(bytes[offset]), bytes, at: offset + 1, into: &packet)
        }
        guard bytes.count - offset >= 2 else { return .malformed(.truncatedLinkHeader) }
        return pppProtocol(bytes.be16(offset), bytes, at: offset + 2, into: &packet)
    }

    @inline(__always)
    static func pppProtocol(_ protocolNumber: UInt16, _ bytes: UnsafeRawBufferPointer, at offset: Int,
                            into packet: inout DissectedPacket) -> DissectionStatus {
        switch protocolNumber {
        case 0x0021: return ipv4(bytes, at: offset, into: &packet)
        case 0x0057: return ipv6(bytes, at: offset, into: &packet)
        default: return .notIP
        }
    }

    /// BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 depending on the OS.
    @inline(__always)
    static func isKnownFamily(_ family: UInt32) -> Bool {
        family == 2 || family == 24 || family == 28 || family == 30
    }

    @inline(__always)
    static func addressFamily(_ family: UInt32, _ bytes: UnsafeRawBufferPointer,
                              into packet: inout DissectedPacket) -> DissectionStatus {
        switch family {
        case 2: return ipv4(bytes, at: 4, into: &packet)
        case 24, 28, 30: return ipv6(bytes, at: 4, into: &packet)
        default: return .notIP
        }
    }

    /// Raw IP link types: the version nibble says which.
    static func rawIP(_ bytes: UnsafeRawBufferPointer, at offset: Int,
                      into packet: inout DissectedPacket) -> DissectionStatus {
        guard offset < bytes.count else { return .malformed(.truncatedIPv4Header) }
        switch bytes[offset] >> 4 {
        case 4: return ipv4(bytes, at: offset, into: &packet)
        case 6: return ipv6(bytes, at: offset, into: &packet)
        default: return .malformed(.badIPVersion)
        }
    }
}
