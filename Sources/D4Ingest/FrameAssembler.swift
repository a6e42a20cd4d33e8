import D4Protocol
import NIOCore

/// Cuts one connection's decrypted byte stream into frames, with at most one copy of any byte and
/// never more than one frame of memory of its own.
///
/// Frames that lie wholly inside one read are slices of that read's buffer (no copy). A frame cut by
/// the end of a read is copied into a buffer of exactly its size and completed from the next reads.
///
/// NIO's ByteToMessageHandler is not used here: its cumulation buffer is as large as the TLS layer's
/// receive buffer, and when it compacted while earlier frames (waiting for the archive) still shared
/// that storage, it copied it into a new buffer just as large to keep a few bytes of a partial frame.
/// With 1,000 sensors those copies held 744 MB of the server's 1 GB (heaptrack) and cost a copy.
final class FrameAssembler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Frame

    /// The connection ended inside a frame: those bytes cannot be checked (no complete HMAC input)
    /// and are dropped; the error says how many, so it is not silent.
    struct TruncatedFrameAtEnd: Error, CustomStringConvertible {
        var bytes: Int
        var description: String { "the connection ended inside a frame: \(bytes) bytes of an incomplete frame discarded" }
    }

    private let decoder: FrameDecoder
    /// The start of a frame cut by the end of a read (header first, then the payload).
    private var partial: ByteBuffer?
    /// After a malformed frame or the end of the connection nothing more is decoded.
    private var stopped = false

    init(maximumFrameSize: Int) {
        decoder = FrameDecoder(maximumFrameSize: maximumFrameSize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        var input = unwrapInboundIn(data)
        do {
            if partial != nil {
                guard let frame = try complete(from: &input) else { return }  // the read ended inside it
                context.fireChannelRead(wrapInboundOut(frame))
            }
            // A frame handler may close the connection (channelInactive comes back through here).
            while !stopped, let frame = try decoder.nextFrame(from: &input) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
            if !stopped, input.readableBytes > 0 { keepPartial(of: input, allocator: context.channel.allocator) }
        } catch {
            stopped = true
            partial = nil
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let left = partial?.readableBytes ?? 0
        stopped = true
        partial = nil
        if left > 0 { context.fireErrorCaught(TruncatedFrameAtEnd(bytes: left)) }
        context.fireChannelInactive()
    }

    /// The whole length (header + payload) of the frame whose first bytes are in `buffer`, once its
    /// header is there; throws when its size field is over the limit.
    private func frameLength(_ buffer: ByteBuffer) throws(D4ProtocolError) -> Int? {
        guard buffer.readableBytes >= FrameHeader.size else { return nil }
        let header = try buffer.withUnsafeReadableBytes { (raw) throws(D4ProtocolError) -> FrameHeader in
            try FrameHeader(decoding: raw)
        }
        guard Int(header.size) <= decoder.maximumFrameSize else {
            throw .frameTooLarge(size: header.size, limit: decoder.maximumFrameSize)
        }
        return FrameHeader.size + Int(header.size)
    }

    /// Starts a partial frame from the unread rest of a read, in a buffer sized for the whole frame
    /// when its header is already there (`nextFrame` checked its size), else for the header.
    private func keepPartial(of input: ByteBuffer, allocator: ByteBufferAllocator) {
        let length = (try? frameLength(input)) ?? nil
        var buffer = allocator.buffer(capacity: max(length ?? FrameHeader.size, input.readableBytes))
        buffer.writeImmutableBuffer(input)
        partial = buffer
    }

    /// Moves bytes from `input` into the partial frame; returns the frame once it is whole.
    private func complete(from input: inout ByteBuffer) throws(D4ProtocolError) -> Frame? {
        guard var buffer = partial else { return nil }
        partial = nil  // one reference while writing: no copy-on-write
        if buffer.readableBytes < FrameHeader.size {
            var head = input.readSlice(length: min(FrameHeader.size - buffer.readableBytes, input.readableBytes))!
            buffer.writeBuffer(&head)
        }
        guard let length = try frameLength(buffer) else {
            partial = buffer
            return nil
        }
        buffer.reserveCapacity(length)
        if buffer.readableBytes < length {
            var body = input.readSlice(length: min(length - buffer.readableBytes, input.readableBytes))!
            buffer.writeBuffer(&body)
        }
        guard buffer.readableBytes == length else {
            partial = buffer
            return nil
        }
        return try decoder.nextFrame(from: &buffer)
    }
}
