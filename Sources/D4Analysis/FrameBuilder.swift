/// Writes Ethernet/IPv4 frames into one reused buffer (the traffic generator's packet factory):
/// correct lengths and checksums, so that tshark and our dissector read the same thing.
struct FrameBuilder {
    private(set) var bytes = [UInt8](repeating: 0, count: 256)
    private(set) var count = 0

    static let ethernetLength = 14
    static let ip = 14

    var frame: ArraySlice<UInt8> { bytes[0 ..< count] }

    // MARK: packets

    mutating func tcp(source: UInt32, destination: UInt32, sourcePort: UInt16, destinationPort: UInt16,
                      sequence: UInt32, acknowledgement: UInt32, flags: UInt8, ttl: UInt8 = 52,
                      window: UInt16 = 14600, id: UInt16 = 0) {
        ipv4Header(source: source, destination: destination, protocol: 6, payloadLength: 20, ttl: ttl, id: id)
        let t = Self.ip + 20
        put16(t, sourcePort); put16(t + 2, destinationPort)
        put32(t + 4, sequence); put32(t + 8, acknowledgement)
        bytes[t + 12] = 5 << 4
        bytes[t + 13] = flags
        put16(t + 14, window)
        put16(t + 16, 0); put16(t + 18, 0)
        count = t + 20
        put16(t + 16, transportChecksum(source: source, destination: destination, protocol: 6, start: t, length: 20))
    }

    mutating func udp(source: UInt32, destination: UInt32, sourcePort: UInt16, destinationPort: UInt16,
                      payloadLength: Int, ttl: UInt8 = 50, id: UInt16 = 0) {
        ipv4Header(source: source, destination: destination, protocol: 17, payloadLength: 8 + payloadLength,
                   ttl: ttl, id: id)
        let u = Self.ip + 20
        put16(u, sourcePort); put16(u + 2, destinationPort)
        put16(u + 4, UInt16(8 + payloadLength)); put16(u + 6, 0)   // checksum 0: none (allowed for UDP/IPv4)
        for i in 0 ..< payloadLength { bytes[u + 8 + i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        count = u + 8 + payloadLength
    }

    mutating func icmpEcho(reply: Bool, source: UInt32, destination: UInt32, identifier: UInt16, sequence: UInt16,
                           ttl: UInt8 = 57, id: UInt16 = 0) {
        ipv4Header(source: source, destination: destination, protocol: 1, payloadLength: 16, ttl: ttl, id: id)
        let c = Self.ip + 20
        bytes[c] = reply ? 0 : 8; bytes[c + 1] = 0
        put16(c + 2, 0); put16(c + 4, identifier); put16(c + 6, sequence)
        for i in 0 ..< 8 { bytes[c + 8 + i] = UInt8(truncatingIfNeeded: 0x41 + i) }
        count = c + 16
        put16(c + 2, checksum(start: c, length: 16, initial: 0))
    }

    /// An ICMP error quoting an IPv4 header (from `quotedSource` to `quotedDestination`) and the first
    /// 8 bytes of its TCP/UDP header.
    mutating func icmpError(type: UInt8, code: UInt8, source: UInt32, destination: UInt32, quotedSource: UInt32,
                            quotedDestination: UInt32, quotedProtocol: UInt8, quotedSourcePort: UInt16,
                            quotedDestinationPort: UInt16, quotedSequence: UInt32, ttl: UInt8 = 245, id: UInt16 = 0) {
        ipv4Header(source: source, destination: destination, protocol: 1, payloadLength: 8 + 28, ttl: ttl, id: id)
        let c = Self.ip + 20
        bytes[c] = type; bytes[c + 1] = code
        put16(c + 2, 0); put32(c + 4, 0)
        // The quoted packet as the victim received it: 20-byte header + 8 bytes of transport.
        let q = c + 8
        let quotedLength: UInt16 = quotedProtocol == 6 ? 40 : 36
        bytes[q] = 0x45; bytes[q + 1] = 0; put16(q + 2, quotedLength); put16(q + 4, 0x1234); put16(q + 6, 0)
        bytes[q + 8] = 240; bytes[q + 9] = quotedProtocol; put16(q + 10, 0)
        put32(q + 12, quotedSource); put32(q + 16, quotedDestination)
        put16(q + 10, checksum(start: q, length: 20, initial: 0))
        put16(q + 20, quotedSourcePort); put16(q + 22, quotedDestinationPort)
        if quotedProtocol == 6 { put32(q + 24, quotedSequence) } else { put16(q + 24, 16); put16(q + 26, 0) }
        count = q + 28
        put16(c + 2, checksum(start: c, length: 36, initial: 0))
    }

    /// Frames that a dissector must refuse, one per variant (0 ..< malformedVariantCount).
    static let malformedVariantCount = 6

    mutating func malformed(variant: Int, source: UInt32, destination: UInt32) {
        switch variant {
        case 0: // IPv4 header cut short: 10 bytes of it.
            ipv4Header(source: source, destination: destination, protocol: 6, payloadLength: 20, ttl: 64, id: 0)
            count = Self.ip + 10
        case 1: // IHL 3: a header shorter than 20 bytes.
            ipv4Header(source: source, destination: destination, protocol: 6, payloadLength: 20, ttl: 64, id: 0)
            bytes[Self.ip] = 0x43
            count = Self.ip + 40
        case 2: // Total length 12, below the header length.
            ipv4Header(source: source, destination: destination, protocol: 6, payloadLength: 20, ttl: 64, id: 0)
            put16(Self.ip + 2, 12)
            count = Self.ip + 40
        case 3: // TCP data offset 2 (8 bytes): impossible.
            tcp(source: source, destination: destination, sourcePort: 40000, destinationPort: 80, sequence: 1,
                acknowledgement: 0, flags: 0x02)
            bytes[Self.ip + 20 + 12] = 2 << 4
        case 4: // TCP header cut to 8 bytes (IP length says so too).
            ipv4Header(source: source, destination: destination, protocol: 6, payloadLength: 8, ttl: 64, id: 0)
            put16(Self.ip + 20, 40000); put16(Self.ip + 22, 23); put32(Self.ip + 24, 7)
            count = Self.ip + 28
        default: // UDP header cut to 4 bytes.
            ipv4Header(source: source, destination: destination, protocol: 17, payloadLength: 4, ttl: 64, id: 0)
            put16(Self.ip + 20, 40000); put16(Self.ip + 22, 53)
            count = Self.ip + 24
        }
    }

    // MARK: headers and checksums

    private mutating func ipv4Header(source: UInt32, destination: UInt32, protocol proto: UInt8, payloadLength: Int,
                                     ttl: UInt8, id: UInt16) {
        // Ethernet: documentation MACs (RFC 7042), type IPv4.
        bytes[0] = 0x00; bytes[1] = 0x00; bytes[2] = 0x5E; bytes[3] = 0x00; bytes[4] = 0x53; bytes[5] = 0x01
        bytes[6] = 0x00; bytes[7] = 0x00; bytes[8] = 0x5E; bytes[9] = 0x00; bytes[10] = 0x53; bytes[11] = 0x02
        bytes[12] = 0x08; bytes[13] = 0x00
        let h = Self.ip
        bytes[h] = 0x45; bytes[h + 1] = 0
        put16(h + 2, UInt16(20 + payloadLength)); put16(h + 4, id); put16(h + 6, 0x4000)
        bytes[h + 8] = ttl; bytes[h + 9] = proto; put16(h + 10, 0)
        put32(h + 12, source); put32(h + 16, destination)
        put16(h + 10, checksum(start: h, length: 20, initial: 0))
        count = h + 20
    }

    private func transportChecksum(source: UInt32, destination: UInt32, protocol proto: UInt8, start: Int,
                                   length: Int) -> UInt16 {
        var pseudo: UInt32 = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
        pseudo += UInt32(proto) + UInt32(length)
        return checksum(start: start, length: length, initial: pseudo)
    }

    private func checksum(start: Int, length: Int, initial: UInt32) -> UInt16 {
        var sum = initial
        var i = start
        while i + 1 < start + length {
            sum &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < start + length { sum &+= UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(truncatingIfNeeded: sum)
    }

    @inline(__always) private mutating func put16(_ at: Int, _ value: UInt16) {
        bytes[at] = UInt8(truncatingIfNeeded: value >> 8); bytes[at + 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always) private mutating func put32(_ at: Int, _ value: UInt32) {
        put16(at, UInt16(truncatingIfNeeded: value >> 16)); put16(at + 2, UInt16(truncatingIfNeeded: value))
    }
}
