import NIOCore

/// Cuts the byte stream a consumer reads from the queue socket into whole records, so a client only
/// ever passes on complete items (a connection that ends mid-item leaves no half item behind).
public struct QueueStreamScanner: Sendable {
    public enum Record: Sendable, Equatable {
        /// One encoded item, exactly as the server wrote it (an ndjson line includes its newline).
        case item(ByteBuffer)
        /// The server's `ERR <reason>` line: the stream ends here.
        case error(String)
    }

    public let format: QueueStreamFormat
    private var pending = ByteBuffer()

    public init(format: QueueStreamFormat) {
        self.format = format
    }

    /// Bytes received but not yet part of a whole record.
    public var bufferedByteCount: Int { pending.readableBytes }

    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeBuffer(&bytes)
        }
    }

    /// The next whole record, nil when more bytes are needed.
    public mutating func nextRecord() throws(QueueError) -> Record? {
        guard pending.readableBytes > 0 else { return nil }
        if startsWithError() {
            guard let line = takeLine() else { return try checkLength(nil) }
            return .error(String(decoding: line.readableBytesView.dropFirst(4), as: UTF8.self))
        }
        switch format {
        case .ndjson:
            guard let line = takeLine(includingNewline: true) else { return try checkLength(nil) }
            return .item(line)
        case .raw:
            return try takeRawItem()
        }
    }

    private func startsWithError() -> Bool {
        // Neither a JSON object nor the raw magic starts with "E": a short prefix of "ERR " waits for more.
        let prefix = pending.readableBytesView.prefix(4)
        return prefix.elementsEqual("ERR ".utf8.prefix(prefix.count))
    }

    private mutating func takeLine(includingNewline: Bool = false) -> ByteBuffer? {
        guard let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let length = newline - pending.readerIndex
        guard var line = pending.readSlice(length: length + 1) else { return nil }
        if !includingNewline { line.moveWriterIndex(to: line.writerIndex - 1) }
        compactIfDrained()
        return line
    }

    private mutating func takeRawItem() throws(QueueError) -> Record? {
        let headerSize = QueueStreamFormat.rawHeaderSize
        let magic = pending.readableBytesView.prefix(4)
        guard magic.elementsEqual(QueueStreamFormat.rawMagic.prefix(magic.count)) else {
            throw .malformedStream("a raw item does not start with \"D4Q1\"")
        }
        guard pending.readableBytes >= headerSize,
              let metaLength = pending.getInteger(at: pending.readerIndex + 6, endianness: .little, as: UInt16.self),
              let payloadLength = pending.getInteger(at: pending.readerIndex + 8, endianness: .little, as: UInt32.self) else {
            return nil
        }
        let total = headerSize + Int(metaLength) + Int(payloadLength)
        guard total <= QueueStreamFormat.maximumRecordSize else {
            throw .malformedStream("a raw item of \(total) bytes exceeds the limit of \(QueueStreamFormat.maximumRecordSize)")
        }
        guard let record = pending.readSlice(length: total) else { return nil }
        compactIfDrained()
        return .item(record)
    }

    /// Refuses a line that grows without end (a peer that is not a queue server).
    private func checkLength(_ record: Record?) throws(QueueError) -> Record? {
        if pending.readableBytes > QueueStreamFormat.maximumRecordSize {
            throw .malformedStream("no line end within \(QueueStreamFormat.maximumRecordSize) bytes")
        }
        return record
    }

    private mutating func compactIfDrained() {
        if pending.readableBytes == 0 { pending.clear() }
    }
}
