// IPv4 and IPv6 headers, IPv6 extension header chains.

extension PacketDissector {
    @inline(__always)
    static func ipv4(_ bytes: UnsafeRawBufferPointer, at start: Int,
                     into packet: inout DissectedPacket) -> DissectionStatus {
        let captured = bytes.count - start
        guard captured >= 20 else { return .malformed(.truncatedIPv4Header) }
        let versionAndLength = bytes[start]
        guard versionAndLength >> 4 == 4 else { return .malformed(.badIPVersion) }
        let headerLength = Int(versionAndLength & 0x0F) &* 4
        guard headerLength >= 20 else { return .malformed(.badIPv4HeaderLength) }
        guard captured >= headerLength else { return .malformed(.truncatedIPv4Header) }
        let totalLength = Int(bytes.be16(start + 2))
        guard totalLength >= headerLength else { return .malformed(.badIPv4TotalLength) }

        let fragmentField = bytes.be16(start + 6)
        let fragmentOffset = Int(fragmentField & 0x1FFF) &* 8
        let ipProtocol = bytes[start + 9]
        // Fields are stored one by one, the transport in place: building a whole `DissectedPacket`
        // and assigning it copies its large transport enum once more per packet.
        if fragmentOffset == 0 {
            // Bytes past the total length are link padding (Ethernet minimum frame), not payload.
            let end = min(bytes.count, start + totalLength)
            if let reason = transport(ipProtocol, bytes, from: start + headerLength, to: end,
                                      payloadLength: totalLength - headerLength, into: &packet.transport) {
                return .malformed(reason)
            }
        } else {
            packet.transport = .fragment(ipProtocol: ipProtocol)
        }
        packet.source = .v4(bytes.be32(start + 12))
        packet.destination = .v4(bytes.be32(start + 16))
        packet.ipProtocol = ipProtocol
        packet.ttl = bytes[start + 8]
        packet.ipLength = totalLength
        packet.fragmentOffset = fragmentOffset
        packet.moreFragments = fragmentField & 0x2000 != 0
        return .packet
    }

    @inline(__always)
    static func ipv6(_ bytes: UnsafeRawBufferPointer, at start: Int,
                     into packet: inout DissectedPacket) -> DissectionStatus {
        guard bytes.count - start >= 40 else { return .malformed(.truncatedIPv6Header) }
        guard bytes[start] >> 4 == 6 else { return .malformed(.badIPVersion) }
        let payloadLength = Int(bytes.be16(start + 4))
        // Payload length 0: a jumbogram or a segmentation-offloaded capture; trust the captured bytes.
        let ipLength = payloadLength == 0 ? bytes.count - start : 40 + payloadLength
        let end = min(bytes.count, start + ipLength)
        guard let chain = walkExtensionHeaders(bytes[start + 6], bytes, from: start + 40, to: end) else {
            return .malformed(.badIPv6ExtensionHeaderChain)
        }
        if chain.fragmentOffset == 0 {
            if let reason = transport(chain.ipProtocol, bytes, from: chain.payloadStart, to: end,
                                      payloadLength: start + ipLength - chain.payloadStart, into: &packet.transport) {
                return .malformed(reason)
            }
        } else {
            packet.transport = .fragment(ipProtocol: chain.ipProtocol)
        }
        packet.source = .v6(bytes.be64(start + 8), bytes.be64(start + 16))
        packet.destination = .v6(bytes.be64(start + 24), bytes.be64(start + 32))
        packet.ipProtocol = chain.ipProtocol
        packet.ttl = bytes[start + 7]
        packet.ipLength = ipLength
        packet.fragmentOffset = chain.fragmentOffset
        packet.moreFragments = chain.moreFragments
        return .packet
    }

    struct ExtensionChain {
        var ipProtocol: UInt8
        var payloadStart: Int
        var fragmentOffset = 0
        var moreFragments = false
    }

    /// Skips hop-by-hop, routing, fragment, destination options and AH headers that lie within
    /// `start..<end`; stops at a non-first fragment (its payload is no header). Nil when a header
    /// runs past `end`.
    @inline(__always)
    static func walkExtensionHeaders(_ first: UInt8, _ bytes: UnsafeRawBufferPointer, from start: Int,
                                     to end: Int) -> ExtensionChain? {
        var chain = ExtensionChain(ipProtocol: first, payloadStart: start)
        // Each header is at least 8 bytes long, so the loop ends with the bytes.
        while true {
            let position = chain.payloadStart
            switch chain.ipProtocol {
            case 0, 43, 60:
                guard end - position >= 8 else { return nil }
                let length = (Int(bytes[position + 1]) &+ 1) &* 8
                guard end - position >= length else { return nil }
                chain.ipProtocol = bytes[position]
                chain.payloadStart = position + length
            case 44:
                guard end - position >= 8 else { return nil }
                let field = bytes.be16(position + 2)
                chain.ipProtocol = bytes[position]
                chain.payloadStart = position + 8
                chain.fragmentOffset = Int(field >> 3) &* 8
                chain.moreFragments = field & 1 != 0
                if chain.fragmentOffset != 0 { return chain }
            case 51:
                guard end - position >= 8 else { return nil }
                let length = (Int(bytes[position + 1]) &+ 2) &* 4
                guard end - position >= length else { return nil }
                chain.ipProtocol = bytes[position]
                chain.payloadStart = position + length
            default:
                return chain
            }
        }
    }
}
