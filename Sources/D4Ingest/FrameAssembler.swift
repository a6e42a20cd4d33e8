import D4Protocol
import NIOCore

/// Cuts one connection's decrypted byte stream into frames, copying every byte exactly once into
/// buffers of its own that hold nothing but frames.
///
/// Per read: the complete frames at its front are copied together into one buffer sized for them
/// (the frames are slices of it); a frame cut by the end of the read goes into a buffer of exactly
/// its size, completed from the next reads.
///
/// Why copy at all: the TLS layer reuses one receive buffer per connection. A frame kept as a slice
/// of it (waiting for the archive) makes the TLS layer copy its whole buffer, capacity and all, at the
/// next read (copy-on-write) — 6% of the server's CPU at 64 KiB frames, more than this one copy of
/// the bytes actually received. And NIO's ByteToMessageHandler, used before, kept a cumulation buffer
/// as large as that receive buffer and re-copied it whole when compacting while frames still shared
/// it: with 1,000 sensors those copies held 744 MB of the server's 1 GB (heaptrack).
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
            let front = completeFrames(at: input)
            if front.bytes > 0 {
                var frames = context.channel.allocator.buffer(capacity: front.bytes)
                var slice = input.readSlice(length: front.bytes)!
                frames.writeBuffer(&slice)
                // A frame handler may close the connection (channelInactive comes back through here).
                while !stopped, let frame = try decoder.nextFrame(from: &frames) {
                    context.fireChannelRead(wrapInboundOut(frame))
                }
            }
            if let refusal = front.refusal { throw refusal }
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

    /// How many bytes at the front of `input` are complete frames, read from the size fields alone;
    /// and the refusal of the frame after them when its size is over the limit (the frames before
    /// it are still delivered, as they arrived before it).
    private func completeFrames(at input: ByteBuffer) -> (bytes: Int, refusal: D4ProtocolError?) {
        var offset = 0
        do throws(D4ProtocolError) {
            while let length = try frameLength(input, at: offset), input.readableBytes - offset >= length {
                offset += length
            }
        } catch {
            return (offset, error)
        }
        return (offset, nil)
    }

    /// The whole length (header + payload) of the frame that starts `offset` bytes into `buffer`'s
    /// readable bytes, once its header is there; throws when its size field is over the limit.
    private func frameLength(_ buffer: ByteBuffer, at offset: Int = 0) throws(D4ProtocolError) -> Int? {
        guard buffer.readableBytes - offset >= FrameHeader.size else { return nil }
        let size = buffer.getInteger(at: buffer.readerIndex + offset + FrameHeader.sizeFieldOffset,
                                     endianness: .little, as: UInt32.self)!
        guard Int(size) <= decoder.maximumFrameSize else {
            throw .frameTooLarge(size: size, limit: decoder.maximumFrameSize)
        }
        return FrameHeader.size + Int(size)
    }

    /// Starts a partial frame from the unread rest of a read (less than one frame, whose size was
    /// checked), in a buffer sized for the whole frame when its header is there, else for the header.
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
