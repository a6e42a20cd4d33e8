/// Crafts link-layer frames and IP packets byte by byte for dissector tests.
enum FrameBuilder {
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
    static func be64(_ value: UInt64) -> [UInt8] { be32(UInt32(value >> 32)) + be32(UInt32(value & 0xFFFF_FFFF)) }

    static let source4: UInt32 = 0xC000_0201       // 192.0.2.1
    static let destination4: UInt32 = 0xC633_6407  // 198.51.100.7
    static let source6: (UInt64, UInt64) = (0x2001_0DB8_0000_0000, 1)
    static let destination6: (UInt64, UInt64) = (0x2001_0DB8_FFFF_0000, 0x42)

    static func ethernet(_ type: UInt16, _ payload: [UInt8], tags: [UInt16] = []) -> [UInt8] {
        var frame = [UInt8](repeating: 0x02, count: 12)
        for tpid in tags { frame += be16(tpid) + be16(0x0064) }
        return frame + be16(type) + payload
    }

    static func ipv4(_ ipProtocol: UInt8, _ payload: [UInt8], source: UInt32 = source4, destination: UInt32 = destination4,
                     ttl: UInt8 = 64, fragmentField: UInt16 = 0, optionWords: Int = 0, totalLength: Int? = nil) -> [UInt8] {
        let headerLength = 20 + 4 * optionWords
        var header: [UInt8] = [0x40 | UInt8(headerLength / 4), 0]
        header += be16(UInt16(totalLength ?? headerLength + payload.count)) + be16(0x1234) + be16(fragmentField)
        header += [ttl, ipProtocol] + be16(0) + be32(source) + be32(destination)
        header += [UInt8](repeating: 0x01, count: 4 * optionWords)  // NOP options
        return header + payload
    }

    /// `extensions`: (header type, body) pairs, chained in order before `ipProtocol`.
    static func ipv6(_ ipProtocol: UInt8, _ payload: [UInt8], extensions: [(UInt8, [UInt8])] = [],
                     payloadLength: Int? = nil, hopLimit: UInt8 = 57) -> [UInt8] {
        var chain: [UInt8] = []
        for (index, (_, body)) in extensions.enumerated() {
            let next = index + 1 < extensions.count ? extensions[index + 1].0 : ipProtocol
            chain += [next] + body
        }
        let first = extensions.first?.0 ?? ipProtocol
        var header: [UInt8] = [0x60, 0, 0, 0]
        header += be16(UInt16(payloadLength ?? chain.count + payload.count)) + [first, hopLimit]
        header += be64(source6.0) + be64(source6.1) + be64(destination6.0) + be64(destination6.1)
        return header + chain + payload
    }

    /// Body (after the next-header byte) of an 8-byte-unit extension header of `units` units.
    static func optionsHeader(units: Int) -> [UInt8] {
        [UInt8(units - 1)] + [UInt8](repeating: 0, count: 8 * units - 2)
    }

    static func fragmentHeader(offset: Int, more: Bool) -> [UInt8] {
        [0] + be16(UInt16(offset / 8) << 3 | (more ? 1 : 0)) + be32(0xABCD)
    }

    static func tcp(source: UInt16 = 80, destination: UInt16 = 40000, sequence: UInt32 = 1000, acknowledgement: UInt32 = 2000,
                    flags: UInt16 = 0x12, window: UInt16 = 29200, optionWords: Int = 0, payload: [UInt8] = []) -> [UInt8] {
        let dataOffset = UInt8(5 + optionWords)
        var header = be16(source) + be16(destination) + be32(sequence) + be32(acknowledgement)
        header += [dataOffset << 4 | UInt8(flags >> 8 & 1), UInt8(flags & 0xFF)] + be16(window) + be16(0) + be16(0)
        return header + [UInt8](repeating: 0x01, count: 4 * optionWords) + payload
    }

    static func udp(source: UInt16 = 53, destination: UInt16 = 33333, payload: [UInt8] = []) -> [UInt8] {
        be16(source) + be16(destination) + be16(UInt16(8 + payload.count)) + be16(0) + payload
    }

    static func icmp(type: UInt8, code: UInt8 = 0, quoting quoted: [UInt8] = []) -> [UInt8] {
        [type, code] + be16(0) + be32(0) + quoted
    }
}
