import D4Basics

/// What the dissector extracts from one captured packet: plain values, no references into the
/// capture buffer, so a classifier can keep or copy it freely (no allocation: no class, no array).

/// TCP flag bits as in the header's flags byte (plus NS in bit 8).
///
/// The flags are computed, inlinable constants rather than stored `static let`s: a stored global is
/// read through a `swift_once` check on each use, which showed up per packet.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x01) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x02) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x04) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x08) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x10) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x20) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x40) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x80) }
    @inlinable public static var ns: TCPFlags { TCPFlags(rawValue: 0x100) }
}

public struct TCPSegmentInfo: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgementNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    /// Header length in bytes (data offset × 4), options included.
    public var headerLength: Int
    /// Payload bytes according to the IP length (not the captured length).
    public var payloadLength: Int

    public init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgementNumber: UInt32,
                flags: TCPFlags, window: UInt16, headerLength: Int, payloadLength: Int) {
        self.sourcePort = sourcePort; self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber; self.acknowledgementNumber = acknowledgementNumber
        self.flags = flags; self.window = window; self.headerLength = headerLength; self.payloadLength = payloadLength
    }
}

public struct UDPDatagramInfo: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var payloadLength: Int

    public init(sourcePort: UInt16, destinationPort: UInt16, payloadLength: Int) {
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.payloadLength = payloadLength
    }
}

/// The IP header (and first transport bytes, when present) quoted inside an ICMP/ICMPv6 error.
public struct QuotedPacket: Hashable, Sendable {
    public var source: IPAddress
    public var destination: IPAddress
    public var ipProtocol: UInt8
    /// Ports of a quoted TCP/UDP header, when its first 4 bytes were quoted.
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// Sequence number of a quoted TCP header, when its first 8 bytes were quoted.
    public var tcpSequenceNumber: UInt32?
    /// Fragment offset in bytes of the quoted IPv4 header or IPv6 fragment header (0 when none):
    /// a non-zero offset quotes a non-first fragment, which carries no ports.
    public var fragmentOffset: Int

    public init(source: IPAddress, destination: IPAddress, ipProtocol: UInt8, sourcePort: UInt16? = nil,
                destinationPort: UInt16? = nil, tcpSequenceNumber: UInt32? = nil, fragmentOffset: Int = 0) {
        self.source = source; self.destination = destination; self.ipProtocol = ipProtocol
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.tcpSequenceNumber = tcpSequenceNumber
        self.fragmentOffset = fragmentOffset
    }
}

public struct ICMPMessageInfo: Hashable, Sendable {
    /// True for ICMPv6 (type numbers differ between the two).
    public var isV6: Bool
    public var type: UInt8
    public var code: UInt8
    /// The offending packet quoted by an error message (unreachable, time exceeded, source quench,
    /// parameter problem, packet too big, redirect); nil for other messages or when not quoted.
    public var quoted: QuotedPacket?

    public init(isV6: Bool, type: UInt8, code: UInt8, quoted: QuotedPacket? = nil) {
        self.isV6 = isV6; self.type = type; self.code = code; self.quoted = quoted
    }
}

public enum TransportInfo: Hashable, Sendable {
    case tcp(TCPSegmentInfo)
    case udp(UDPDatagramInfo)
    case icmp(ICMPMessageInfo)
    /// A non-first IP fragment: no transport header to read.
    case fragment(ipProtocol: UInt8)
    /// A transport the dissector does not decode (GRE, ESP, SCTP, …).
    case other(ipProtocol: UInt8)
}

/// One IP packet as the analyzers see it.
public struct DissectedPacket: Hashable, Sendable {
    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 protocol / IPv6 final next-header value.
    public var ipProtocol: UInt8
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    /// Length of the IP packet per its header (total length, or 40 + payload length for IPv6).
    public var ipLength: Int
    /// Fragment offset in bytes (0 for the first fragment and for whole packets).
    public var fragmentOffset: Int
    public var moreFragments: Bool
    public var transport: TransportInfo

    /// Inlinable so that a loop can set up its packet variable with a few stores (`unset`, a global,
    /// costs a `swift_once` check and a copy per read).
    @inlinable
    public init(source: IPAddress, destination: IPAddress, ipProtocol: UInt8, ttl: UInt8, ipLength: Int,
                fragmentOffset: Int = 0, moreFragments: Bool = false, transport: TransportInfo) {
        self.source = source; self.destination = destination; self.ipProtocol = ipProtocol; self.ttl = ttl
        self.ipLength = ipLength; self.fragmentOffset = fragmentOffset; self.moreFragments = moreFragments
        self.transport = transport
    }
}

/// One record of a capture, valid only while the reader's callback runs (`bytes` points into the
/// reader's buffer: copy what you keep).
public struct CaptureRecord {
    public var timestampSeconds: Int64
    public var timestampNanoseconds: UInt32
    public var originalLength: Int
    public var linkType: UInt16
    /// pcapng interface index (0 for pcap).
    public var interfaceIndex: Int
    public var bytes: UnsafeRawBufferPointer

    public init(timestampSeconds: Int64, timestampNanoseconds: UInt32, originalLength: Int, linkType: UInt16,
                interfaceIndex: Int, bytes: UnsafeRawBufferPointer) {
        self.timestampSeconds = timestampSeconds; self.timestampNanoseconds = timestampNanoseconds
        self.originalLength = originalLength; self.linkType = linkType; self.interfaceIndex = interfaceIndex
        self.bytes = bytes
    }
}
