/// Turns a capture that arrives in arbitrary chunks (a D4 stream of pcap, or pcapng) into records.
///
/// Records wholly inside a chunk are handed out in place; only a record cut by a chunk boundary is
/// assembled in a small buffer, which never grows beyond the record limit. After an error the reader
/// stays failed: every later `feed` throws the same error.
public struct PcapStreamReader {
    private var parser: CaptureRecordParser
    private let pending: ReadBuffer
    /// Bytes the parser needs, contiguous, before it can make progress on `pending`.
    private var needed = 0
    private var failure: CaptureReadError?

    public private(set) var recordCount = 0
    /// Bytes fed so far.
    public private(set) var byteCount = 0

    public init(recordLimit: Int = CaptureFileReader.defaultRecordLimit) {
        parser = CaptureRecordParser(recordLimit: recordLimit)
        pending = ReadBuffer(capacity: 64 * 1024)
    }

    public var format: CaptureFormat? { parser.format }
    public var linkTypes: Set<UInt16> { parser.linkTypes }
    /// True when everything fed so far ends exactly at a record (or block) boundary.
    public var isAtRecordBoundary: Bool { parser.hasFileHeader && pending.isEmpty && !parser.isSkippingBlock }

    /// Consumes `chunk`, calling `body` for every record completed by it. Throws `CaptureReadError`
    /// when the stream is not a capture or is corrupt, and rethrows what `body` throws.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (CaptureRecord) throws -> Void) throws {
        if let failure { throw failure }
        byteCount += chunk.count
        var rest = chunk
        // First complete the record (or header) cut by the previous chunk boundary: top `pending` up to
        // exactly what the parser asked for, never more.
        while !pending.isEmpty {
            guard !rest.isEmpty else { return }
            let take = min(max(needed - pending.count, 0), rest.count)
            pending.append(UnsafeRawBufferPointer(rebasing: rest[..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if pending.count < needed { return }
            while !pending.isEmpty {
                switch try step(over: pending.readable) {
                case .record(let record, let consumed):
                    pending.consume(consumed)
                    try body(record)
                case .consumed(let count):
                    pending.consume(count)
                case .needMore:
                    break
                }
                if pending.count < needed { break }
            }
        }
        // Then parse in place from the chunk, keeping only an incomplete tail.
        var position = 0
        while position < rest.count {
            let view = UnsafeRawBufferPointer(rebasing: rest[position...])
            switch try step(over: view) {
            case .record(let record, let consumed):
                position += consumed
                try body(record)
            case .consumed(let count):
                position += count
            case .needMore:
                // Bounded: `needed` passed the parser's limits, and the tail is shorter than it.
                pending.append(view)
                return
            }
        }
    }

    /// One parser step; a parse error makes the reader fail for good.
    @inline(__always)
    private mutating func step(over bytes: UnsafeRawBufferPointer) throws(CaptureReadError) -> CaptureRecordParser.Step {
        let next: CaptureRecordParser.Step
        do throws(CaptureReadError) {
            next = try parser.next(in: bytes)
        } catch {
            failure = error
            throw error
        }
        switch next {
        case .record: recordCount += 1
        case .consumed: break
        case .needMore(let total): needed = total
        }
        return next
    }

    /// The state at the end of the stream: a record cut by the end is reported as truncated.
    public func finish() -> CaptureReadSummary {
        var summary = CaptureReadSummary(format: parser.format, isGzipCompressed: false)
        summary.recordCount = recordCount
        summary.byteCount = parser.offset
        summary.linkTypes = parser.linkTypes
        summary.skippedBlockCount = parser.skippedBlockCount
        if let failure {
            summary.endIssue = failure
        } else if !parser.hasFileHeader {
            summary.endIssue = byteCount == 0 ? .emptyInput : .truncatedFileHeader(have: pending.count, need: needed)
        } else if !pending.isEmpty || parser.isSkippingBlock {
            summary.truncatedRecordCount = 1
            summary.trailingByteCount = pending.count
            summary.endIssue = .truncatedRecord(have: pending.count, need: needed, offset: parser.offset)
        }
        return summary
    }
}
