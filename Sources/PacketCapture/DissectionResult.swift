/// What the dissector made of one captured frame. A plain value (no references), so dissecting
/// allocates nothing.
public enum DissectionResult: Hashable, Sendable {
    /// An IPv4 or IPv6 packet.
    case packet(DissectedPacket)
    /// A well-formed frame that carries no IP (ARP, LLDP, STP, …).
    case notIP
    /// A link type the dissector does not decode (radiotap, Frame Relay, …); the frame is not looked at.
    case unsupportedLinkType(UInt16)
    /// A frame whose headers contradict themselves or are cut short.
    case malformed(MalformedReason)

    /// The packet, when it is one.
    public var packet: DissectedPacket? {
        if case .packet(let packet) = self { return packet }
        return nil
    }
}
