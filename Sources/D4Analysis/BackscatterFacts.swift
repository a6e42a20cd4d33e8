import D4Basics
import PacketCapture

/// What one backscatter packet tells about the attack behind it.
struct BackscatterFacts {
    var victim: IPAddress
    /// Protocol of the attack traffic (for an ICMP error: the quoted packet's).
    var attackProtocol: UInt8
    /// The victim's port the attack hit, when known.
    var victimPort: UInt16?
    var response: ResponseKind

    @inline(__always)
    init?(_ packet: DissectedPacket) {
        switch packet.transport {
        case .tcp(let tcp):
            let f = tcp.flags
            let response: ResponseKind
            if f.contains(.syn) { response = .synAck }
            else if f.contains(.rst) { response = f.contains(.ack) ? .rstAck : .rst }
            else { response = .ack }
            self.init(victim: packet.source, attackProtocol: 6, victimPort: tcp.sourcePort, response: response)
        case .icmp(let icmp):
            let response = ResponseKind.icmp(isV6: icmp.isV6, type: icmp.type, code: icmp.code)
            if let quoted = icmp.quoted {
                self.init(victim: quoted.destination, attackProtocol: quoted.ipProtocol,
                          victimPort: quoted.destinationPort, response: response)
            } else {
                self.init(victim: packet.source, attackProtocol: icmp.isV6 ? 58 : 1, victimPort: nil,
                          response: response)
            }
        default:
            return nil
        }
    }

    init(victim: IPAddress, attackProtocol: UInt8, victimPort: UInt16?, response: ResponseKind) {
        self.victim = victim; self.attackProtocol = attackProtocol; self.victimPort = victimPort
        self.response = response
    }
}
