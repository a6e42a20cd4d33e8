/// The shape of a packet, before the scanner memory and the monitored space decide its class.
///
/// Patterns are kept apart from classes so that counts can be compared with a packet dissector's
/// (a SYN/ACK stays a SYN/ACK even when its source is a known scanner and it is counted as scan).
public enum PacketPattern: String, Codable, Sendable, CaseIterable {
    case tcpSynAck = "tcp-syn-ack"
    case tcpRst = "tcp-rst"
    case tcpRstAck = "tcp-rst-ack"
    case tcpAckOnly = "tcp-ack"
    case tcpLoneSyn = "tcp-syn"
    case tcpMiraiSyn = "tcp-syn-mirai"
    case tcpNull = "tcp-null"
    case tcpFin = "tcp-fin"
    case tcpXmas = "tcp-xmas"
    case tcpMaimon = "tcp-maimon"
    case tcpOtherFlags = "tcp-other-flags"
    case icmpEchoReply = "icmp-echo-reply"
    case icmpError = "icmp-error"
    case icmpEchoRequest = "icmp-echo-request"
    case icmpOther = "icmp-other"
    case udpProbe = "udp-probe"
    case udpNetis = "udp-netis"
    case udpReply = "udp-reply"
    case fragment = "ip-fragment"
    case otherProtocol = "other-protocol"

    /// Index into fixed-size counter arrays (no hashing on the hot path).
    @inline(__always) var index: Int {
        switch self {
        case .tcpSynAck: 0
        case .tcpRst: 1
        case .tcpRstAck: 2
        case .tcpAckOnly: 3
        case .tcpLoneSyn: 4
        case .tcpMiraiSyn: 5
        case .tcpNull: 6
        case .tcpFin: 7
        case .tcpXmas: 8
        case .tcpMaimon: 9
        case .tcpOtherFlags: 10
        case .icmpEchoReply: 11
        case .icmpError: 12
        case .icmpEchoRequest: 13
        case .icmpOther: 14
        case .udpProbe: 15
        case .udpNetis: 16
        case .udpReply: 17
        case .fragment: 18
        case .otherProtocol: 19
        }
    }

    /// The class a packet of this shape gets when nothing else is known about its source.
    public var naturalClass: TrafficClass {
        switch self {
        case .tcpSynAck, .tcpRst, .tcpRstAck, .tcpAckOnly, .icmpEchoReply, .icmpError: .backscatter
        case .tcpLoneSyn, .tcpMiraiSyn, .tcpNull, .tcpFin, .tcpXmas, .tcpMaimon, .tcpOtherFlags,
             .icmpEchoRequest, .udpProbe, .udpNetis: .scan
        case .icmpOther, .udpReply, .fragment, .otherProtocol: .other
        }
    }

    /// Whether a source sending this pattern is remembered as a scanner (PIBS-style suppression).
    var marksScanner: Bool { naturalClass == .scan }

    /// Human explanation, used as the classification reason.
    public var explanation: String {
        switch self {
        case .tcpSynAck: "TCP SYN/ACK without a SYN from the sensor (SYN-flood backscatter)"
        case .tcpRst: "TCP RST without a connection (backscatter)"
        case .tcpRstAck: "TCP RST/ACK without a connection (backscatter)"
        case .tcpAckOnly: "TCP ACK without a prior SYN from the sensor (backscatter)"
        case .tcpLoneSyn: "lone TCP SYN (scan)"
        case .tcpMiraiSyn: "TCP SYN with sequence number = destination address (Mirai-family scan)"
        case .tcpNull: "TCP without flags (NULL scan)"
        case .tcpFin: "TCP FIN only (FIN scan)"
        case .tcpXmas: "TCP FIN+PSH+URG (XMAS scan)"
        case .tcpMaimon: "TCP FIN+ACK (Maimon scan)"
        case .tcpOtherFlags: "TCP with an invalid flag combination (probe)"
        case .icmpEchoReply: "ICMP echo reply to a request the sensor never sent (backscatter)"
        case .icmpError: "ICMP error quoting a packet spoofed with a monitored address (backscatter)"
        case .icmpEchoRequest: "ICMP echo request (ping sweep)"
        case .icmpOther: "other ICMP message"
        case .udpProbe: "UDP datagram (probe)"
        case .udpNetis: "UDP to port 53413 (Netis router backdoor exploit)"
        case .udpReply: "UDP from a well-known service port to an ephemeral port (reflected reply)"
        case .fragment: "non-first IP fragment (no transport header)"
        case .otherProtocol: "transport protocol not analysed"
        }
    }
}
