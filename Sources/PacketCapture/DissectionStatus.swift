/// `DissectionResult` without the packet: what `PacketDissector.dissect(linkType:bytes:into:)` returns
/// while it writes the packet itself into a caller's variable.
public enum DissectionStatus: Hashable, Sendable {
    /// The packet was written into the caller's `DissectedPacket`.
    case packet
    case notIP
    case unsupportedLinkType(UInt16)
    case malformed(MalformedReason)
}

extension DissectedPacket {
    /// A placeholder to initialise a variable reused with `PacketDissector.dissect(linkType:bytes:into:)`.
    public static let unset = DissectedPacket(source: .v4(0), destination: .v4(0), ipProtocol: 0, ttl: 0, ipLength: 0,
                                              transport: .other(ipProtocol: 0))
}
