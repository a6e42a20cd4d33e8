import D4Protocol
import NIOCore
import PacketCapture

/// Turns a source into `OutgoingFrame`s: one frame per read, at most `snaplen` bytes, an empty frame at
/// each session end and at the end of the input. For pcap (type 1) it follows record boundaries so a
/// stream can be resumed on another connection.
public final class FrameProducer {
    private let source: ByteSource
    private let type: FrameType
    private let snaplen: Int
    private let clock: @Sendable () -> UInt64
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let allocator = ByteBufferAllocator()
    private var cursor: PcapStreamCursor?
    private var pcapHeader: [UInt8]?
    private var headerBytes: [UInt8] = []
    private var finished = false
    /// Set when the pcap stream stopped being parseable; frames are still sent as they are.
    public private(set) var pcapProblem: PcapFormatError?

    public init(source: ByteSource, type: FrameType, snaplen: Int, clock: @escaping @Sendable () -> UInt64) {
        self.source = source
        self.type = type
        self.snaplen = snaplen
        self.clock = clock
        self.readBuffer = .allocate(byteCount: snaplen, alignment: 16)
        self.cursor = type == .pcap ? PcapStreamCursor() : nil
    }

    deinit { readBuffer.deallocate() }

    /// The next frame; nil after the input-end frame was returned.
    public func next() throws -> OutgoingFrame? {
        guard !finished else { return nil }
        switch try source.read(into: readBuffer) {
        case .bytes(let count):
            let chunk = UnsafeRawBufferPointer(rebasing: readBuffer[0 ..< count])
            var frame = OutgoingFrame(type: type, timestamp: clock(), payload: allocator.buffer(bytes: chunk))
            if type == .pcap { track(chunk, into: &frame) }
            return frame
        case .endOfSession:
            resetStream()
            return OutgoingFrame(kind: .sessionEnd, type: type, timestamp: clock(), payload: ByteBuffer())
        case .endOfInput:
            finished = true
            return OutgoingFrame(kind: .inputEnd, type: type, timestamp: clock(), payload: ByteBuffer())
        }
    }

    private func track(_ chunk: UnsafeRawBufferPointer, into frame: inout OutgoingFrame) {
        guard var current = cursor, pcapProblem == nil else { return }
        if pcapHeader == nil {
            headerBytes.append(contentsOf: chunk.prefix(PcapFileHeader.size - headerBytes.count))
        }
        frame.startsAtRecord = current.isAtRecordBoundary
        var first: Int?
        do {
            try current.advance(over: chunk) { offset in if first == nil { first = offset } }
        } catch {
            pcapProblem = error
        }
        cursor = current
        frame.firstRecordOffset = first
        if pcapHeader == nil, headerBytes.count == PcapFileHeader.size { pcapHeader = headerBytes }
        frame.pcapHeader = pcapHeader
    }

    private func resetStream() {
        if type == .pcap { cursor = PcapStreamCursor() }
        pcapHeader = nil
        headerBytes = []
        pcapProblem = nil
    }
}
