import D4Basics
import PacketCapture

extension PacketPattern {
    /// The pattern of `packet`, from its headers alone. `isMiraiPort` says whether a destination port
    /// belongs to the Mirai port set.
    @inline(__always)
    static func of(_ packet: DissectedPacket, netisPort: UInt16, isMiraiPort: (UInt16) -> Bool) -> PacketPattern {
        switch packet.transport {
        case .tcp(let tcp):
            return tcpPattern(tcp, destination: packet.destination, isMiraiPort: isMiraiPort)
        case .udp(let udp):
            if udp.destinationPort == netisPort { return .udpNetis }
            if isServicePort(udp.sourcePort), udp.destinationPort >= 1024 { return .udpReply }
            return .udpProbe
        case .icmp(let icmp):
            return icmpPattern(icmp)
        case .fragment:
            return .fragment
        case .other:
            return .otherProtocol
        }
    }

    @inline(__always)
    static func tcpPattern(_ tcp: TCPSegmentInfo, destination: IPAddress, isMiraiPort: (UInt16) -> Bool) -> PacketPattern {
        // ECE/CWR/NS only signal congestion handling; the six classic bits make the pattern.
        let f = tcp.flags.rawValue & 0x3F
        let fin: UInt16 = 0x01, syn: UInt16 = 0x02, rst: UInt16 = 0x04, psh: UInt16 = 0x08
        let ack: UInt16 = 0x10, urg: UInt16 = 0x20
        if f & syn != 0 {
            if f & (rst | fin) != 0 { return .tcpOtherFlags }
            if f & ack != 0 { return .tcpSynAck }
            if f & (psh | urg) != 0 { return .tcpOtherFlags }
            if case .v4(let address) = destination, tcp.sequenceNumber == address, isMiraiPort(tcp.destinationPort) {
                return .tcpMiraiSyn
            }
            return .tcpLoneSyn
        }
        if f & rst != 0 { return f & ack != 0 ? .tcpRstAck : .tcpRst }
        switch f {
        case 0: return .tcpNull
        case fin: return .tcpFin
        case fin | psh | urg: return .tcpXmas
        case fin | ack: return .tcpMaimon
        default:
            // ACK (possibly with PSH/URG) and no SYN/RST/FIN: part of a connection the sensor never opened.
            if f & ack != 0, f & fin == 0 { return .tcpAckOnly }
            return .tcpOtherFlags
        }
    }

    @inline(__always)
    static func icmpPattern(_ icmp: ICMPMessageInfo) -> PacketPattern {
        if icmp.isV6 {
            switch icmp.type {
            case 129: return .icmpEchoReply
            case 1, 3, 4: return .icmpError          // unreachable, time exceeded, parameter problem
            case 128: return .icmpEchoRequest
            default: return .icmpOther
            }
        }
        switch icmp.type {
        case 0: return .icmpEchoReply
        case 3, 4, 11, 12: return .icmpError         // unreachable, source quench, time exceeded, parameter problem
        case 8: return .icmpEchoRequest
        default: return .icmpOther
        }
    }

    /// Source ports of services that answer UDP requests (and are abused as reflectors).
    @inline(__always)
    static func isServicePort(_ port: UInt16) -> Bool {
        if port < 1024 { return port != 0 }
        switch port {
        case 1900, 3702, 5353, 11211, 27015, 3478, 5683, 10001: return true
        default: return false
        }
    }
}
