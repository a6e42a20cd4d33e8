import D4Protocol
import NIOCore

/// A frame on its way to the server, not yet signed: it is signed when it is written to a connection,
/// so that a pcap stream resumed on a new connection can be trimmed to a record boundary.
public struct OutgoingFrame: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case data = 0, sessionEnd = 1, inputEnd = 2 }

    public var kind: Kind
    public var type: FrameType
    public var timestamp: UInt64
    public var payload: ByteBuffer
    /// pcap streams only: the payload starts at a record boundary of the stream.
    public var startsAtRecord: Bool
    /// pcap streams only: offset in the payload where the first record starts, if one does.
    public var firstRecordOffset: Int?
    /// pcap streams only: the stream's 24-byte global header, once known.
    public var pcapHeader: [UInt8]?

    public init(kind: Kind = .data, type: FrameType, timestamp: UInt64, payload: ByteBuffer,
                startsAtRecord: Bool = false, firstRecordOffset: Int? = nil, pcapHeader: [UInt8]? = nil) {
        self.kind = kind
        self.type = type
        self.timestamp = timestamp
        self.payload = payload
        self.startsAtRecord = startsAtRecord
        self.firstRecordOffset = firstRecordOffset
        self.pcapHeader = pcapHeader
    }

    /// True for the empty frame that ends a stream (a session end or the end of the input).
    public var isStreamEnd: Bool { kind != .data }
}
