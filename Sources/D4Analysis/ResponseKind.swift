/// What a victim sent back: the kind of backscatter packet, packed into a number for cheap counting.
public struct ResponseKind: Hashable, Sendable {
    public let code: UInt32

    public static let synAck = ResponseKind(code: 1)
    public static let rst = ResponseKind(code: 2)
    public static let rstAck = ResponseKind(code: 3)
    public static let ack = ResponseKind(code: 4)

    public static func icmp(isV6: Bool, type: UInt8, code: UInt8) -> ResponseKind {
        ResponseKind(code: 0x1_0000 | (isV6 ? 0x2_0000 : 0) | UInt32(type) << 8 | UInt32(code))
    }

    init(code: UInt32) { self.code = code }

    /// E.g. "SYN/ACK", "RST", "ICMP 3/3 port unreachable", "ICMPv6 129/0 echo reply".
    public var name: String {
        switch code {
        case 1: return "SYN/ACK"
        case 2: return "RST"
        case 3: return "RST/ACK"
        case 4: return "ACK"
        default:
            let isV6 = code & 0x2_0000 != 0
            let type = UInt8(truncatingIfNeeded: code >> 8)
            let icmpCode = UInt8(truncatingIfNeeded: code)
            let label = isV6 ? Self.icmpv6Label(type: type, code: icmpCode) : Self.icmpLabel(type: type, code: icmpCode)
            return "\(isV6 ? "ICMPv6" : "ICMP") \(type)/\(icmpCode)" + (label.map { " " + $0 } ?? "")
        }
    }

    static func icmpLabel(type: UInt8, code: UInt8) -> String? {
        switch (type, code) {
        case (0, _): "echo reply"
        case (3, 0): "net unreachable"
        case (3, 1): "host unreachable"
        case (3, 2): "protocol unreachable"
        case (3, 3): "port unreachable"
        case (3, 4): "fragmentation needed"
        case (3, 9), (3, 10), (3, 13): "administratively prohibited"
        case (3, _): "unreachable"
        case (4, _): "source quench"
        case (11, 0): "TTL exceeded"
        case (11, 1): "reassembly time exceeded"
        case (12, _): "parameter problem"
        default: nil
        }
    }

    static func icmpv6Label(type: UInt8, code: UInt8) -> String? {
        switch (type, code) {
        case (1, 1): "administratively prohibited"
        case (1, 3): "address unreachable"
        case (1, 4): "port unreachable"
        case (1, _): "unreachable"
        case (3, _): "time exceeded"
        case (4, _): "parameter problem"
        case (129, _): "echo reply"
        default: nil
        }
    }
}
