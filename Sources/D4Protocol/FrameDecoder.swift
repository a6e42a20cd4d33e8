import NIOCore

/// Streaming D4 decoder: bytes may arrive cut anywhere; it yields each frame once complete.
///
/// The size field is checked against `maximumFrameSize` as soon as the 62 header bytes are there, so
/// an oversized frame is refused before any of its payload is buffered.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    /// Reference default: 1,000,000 bytes.
    public static let defaultMaximumFrameSize = 1_000_000

    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Returns the next complete frame, or nil when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame? {
        try nextFrame(from: &buffer)
    }

    /// At end of stream a complete frame is still returned (reference defect 1 lost it); a partial one
    /// stays in the buffer for the caller to report.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        try nextFrame(from: &buffer)
    }

    public func nextFrame(from buffer: inout ByteBuffer) throws(D4ProtocolError) -> Frame? {
        guard buffer.readableBytes >= FrameHeader.size else { return nil }
        let header = try buffer.withUnsafeReadableBytes { (raw) throws(D4ProtocolError) -> FrameHeader in
            try FrameHeader(decoding: raw)
        }
        guard Int(header.size) <= maximumFrameSize else {
            throw .frameTooLarge(size: header.size, limit: maximumFrameSize)
        }
        guard buffer.readableBytes >= FrameHeader.size + Int(header.size) else { return nil }
        let rawHeader = buffer.readSlice(length: FrameHeader.size)!
        let payload = buffer.readSlice(length: Int(header.size))!
        return Frame(header: header, payload: payload, rawHeader: rawHeader)
    }
}
