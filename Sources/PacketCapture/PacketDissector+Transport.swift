import D4Basics
// TCP, UDP and ICMP/ICMPv6 headers, and the packet quoted inside ICMP error messages.

extension PacketDissector {
    /// Reads the transport header into `info`; returns why it is malformed, or nil.
    /// `start..<end` are the captured transport bytes; `payloadLength` is the IP payload length per the
    /// IP header (it may exceed the captured bytes when the snaplen cut the packet).
    @inline(__always)
    static func transport(_ ipProtocol: UInt8, _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int,
                          payloadLength: Int, into info: inout TransportInfo) -> MalformedReason? {
        let available = end - start
        switch ipProtocol {
        case 6:
            guard available >= 20 else { return .truncatedTCPHeader }
            let headerLength = Int(bytes[start + 12] >> 4) &* 4
            guard headerLength >= 20, headerLength <= payloadLength else { return .badTCPDataOffset }
            let flags = TCPFlags(rawValue: UInt16(bytes[start + 13]) | UInt16(bytes[start + 12] & 0x01) << 8)
            info = .tcp(TCPSegmentInfo(
                sourcePort: bytes.be16(start), destinationPort: bytes.be16(start + 2),
                sequenceNumber: bytes.be32(start + 4), acknowledgementNumber: bytes.be32(start + 8),
                flags: flags, window: bytes.be16(start + 14), headerLength: headerLength,
                payloadLength: payloadLength - headerLength))
        case 17:
            guard available >= 8 else { return .truncatedUDPHeader }
            info = .udp(UDPDatagramInfo(sourcePort: bytes.be16(start), destinationPort: bytes.be16(start + 2),
                                        payloadLength: payloadLength - 8))
        case 1, 58:
            guard available >= 4 else { return .truncatedICMPHeader }
            let isV6 = ipProtocol == 58
            let type = bytes[start]
            // Error messages quote the offending packet after their 8-byte header.
            var quoted: QuotedPacket?
            if isV6 {
                if type >= 1, type <= 4 { quoted = quotedIPv6(bytes, from: start + 8, to: end) }
            } else if type == 3 || type == 4 || type == 5 || type == 11 || type == 12 {
                quoted = quotedIPv4(bytes, from: start + 8, to: end)
            }
            info = .icmp(ICMPMessageInfo(isV6: isV6, type: type, code: bytes[start + 1], quoted: quoted))
        default:
            info = .other(ipProtocol: ipProtocol)
        }
        return nil
    }

    /// The IPv4 header and first transport bytes quoted by an ICMP error; nil when too little is quoted.
    static func quotedIPv4(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> QuotedPacket? {
        guard end - start >= 20, bytes[start] >> 4 == 4 else { return nil }
        let headerLength = Int(bytes[start] & 0x0F) &* 4
        guard headerLength >= 20 else { return nil }
        let fragmentOffset = Int(bytes.be16(start + 6) & 0x1FFF) &* 8
        var quoted = QuotedPacket(source: .v4(bytes.be32(start + 12)), destination: .v4(bytes.be32(start + 16)),
                                  ipProtocol: bytes[start + 9], fragmentOffset: fragmentOffset)
        // Ports only when the quote reaches past the header's options.
        if fragmentOffset == 0, end - start >= headerLength {
            quotedPorts(&quoted, bytes, from: start + headerLength, to: end)
        }
        return quoted
    }

    /// The IPv6 header (with extension headers) and first transport bytes quoted by an ICMPv6 error.
    static func quotedIPv6(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> QuotedPacket? {
        guard end - start >= 40, bytes[start] >> 4 == 6 else { return nil }
        let source = IPAddress.v6(bytes.be64(start + 8), bytes.be64(start + 16))
        let destination = IPAddress.v6(bytes.be64(start + 24), bytes.be64(start + 32))
        // The quote is usually cut: walk the extension headers only as far as they were quoted.
        guard let chain = walkExtensionHeaders(bytes[start + 6], bytes, from: start + 40, to: end) else {
            return QuotedPacket(source: source, destination: destination, ipProtocol: bytes[start + 6])
        }
        var quoted = QuotedPacket(source: source, destination: destination, ipProtocol: chain.ipProtocol,
                                  fragmentOffset: chain.fragmentOffset)
        if chain.fragmentOffset == 0 {
            quotedPorts(&quoted, bytes, from: chain.payloadStart, to: end)
        }
        return quoted
    }

    @inline(__always)
    static func quotedPorts(_ quoted: inout QuotedPacket, _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        // TCP, UDP, SCTP and UDP-Lite all start with the two ports.
        switch quoted.ipProtocol {
        case 6, 17, 132, 136:
            guard end - start >= 4 else { return }
            quoted.sourcePort = bytes.be16(start)
            quoted.destinationPort = bytes.be16(start + 2)
            if quoted.ipProtocol == 6, end - start >= 8 { quoted.tcpSequenceNumber = bytes.be32(start + 4) }
        default:
            return
        }
    }
}
