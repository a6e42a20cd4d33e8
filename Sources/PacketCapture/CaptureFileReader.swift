/// Reads a pcap or pcapng capture, plain or gzip-compressed, record by record, in large blocks into
/// one reused buffer: records are handed out in place, never copied, never all held in memory.
///
/// A problem met after at least one record was delivered (corruption, a truncated last record) ends
/// the pass and is reported in the returned summary; the same problem before any record is thrown.
public struct CaptureFileReader {
    /// Size of each read from the file (or of each decompressed block).
    public static let readBlockSize = 1 << 20
    /// Default bound on one record's captured length (raised by a larger snaplen, up to 16 MiB).
    public static let defaultRecordLimit = 256 * 1024

    private let source: CaptureByteSource
    private var parser: CaptureRecordParser
    private let buffer: ReadBuffer

    /// Opens `path`; gzip is recognised by content, not by name.
    public init(path: String, recordLimit: Int = CaptureFileReader.defaultRecordLimit) throws {
        source = try CaptureByteSource(path: path)
        parser = CaptureRecordParser(recordLimit: recordLimit)
        buffer = ReadBuffer(capacity: Self.readBlockSize)
    }

    /// Reads a capture already in memory (plain or gzip), e.g. from a test or a fuzzer.
    public init(bytes: [UInt8], recordLimit: Int = CaptureFileReader.defaultRecordLimit) throws {
        source = try CaptureByteSource(bytes: bytes)
        parser = CaptureRecordParser(recordLimit: recordLimit)
        buffer = ReadBuffer(capacity: min(Self.readBlockSize, max(bytes.count, 4096)))
    }

    /// Calls `body` for every record, in order, until the end of the capture. Errors thrown by `body`
    /// stop the pass and propagate unchanged.
    public mutating func forEachRecord(_ body: (CaptureRecord) throws -> Void) throws -> CaptureReadSummary {
        var summary = CaptureReadSummary(isGzipCompressed: source.isGzipCompressed)
        var needed = 0
        var endOfInput = false
        while true {
            // Deliver every complete record in the buffer.
            parsing: while true {
                // Runs of classic pcap records go the fast way; `next` takes whatever that leaves.
                var consumed = 0
                do {
                    try parser.deliverPcapRecords(in: buffer.readable, consumed: &consumed,
                                                  records: &summary.recordCount, to: body)
                } catch {
                    buffer.consume(consumed)
                    throw error
                }
                buffer.consume(consumed)
                let step: CaptureRecordParser.Step
                do throws(CaptureReadError) {
                    step = try parser.next(in: buffer.readable)
                } catch {
                    return try finish(&summary, issue: error)
                }
                switch step {
                case .record(let record, let consumed):
                    try body(record)
                    summary.recordCount += 1
                    buffer.consume(consumed)
                case .consumed(let count):
                    buffer.consume(count)
                case .needMore(let total):
                    needed = total
                    break parsing
                }
            }
            if endOfInput { break }
            let space = buffer.writableSpace(forTotal: max(needed, buffer.capacity))
            do throws(CaptureReadError) {
                var filled = 0
                // Fill at least what the parser needs (a read may return less than asked).
                while buffer.count + filled < needed || filled == 0 {
                    let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: space[filled...]))
                    if n == 0 { endOfInput = true; break }
                    filled += n
                }
                buffer.commit(filled)
            } catch {
                return try finish(&summary, issue: error)
            }
        }
        // End of input: leftover bytes are a truncated record (or header).
        if !parser.hasFileHeader {
            if parser.offset == 0, buffer.isEmpty { return try finish(&summary, issue: .emptyInput) }
            return try finish(&summary, issue: .truncatedFileHeader(have: buffer.count, need: needed))
        }
        if !buffer.isEmpty || parser.isSkippingBlock {
            summary.truncatedRecordCount = 1
            summary.trailingByteCount = buffer.count
            return try finish(&summary, issue: .truncatedRecord(have: buffer.count, need: needed, offset: parser.offset))
        }
        return try finish(&summary, issue: nil)
    }

    /// Fills the summary from the parser; throws `issue` when nothing at all was delivered before it
    /// (except truncation, which is always reported, never thrown, once the file header was read).
    private func finish(_ summary: inout CaptureReadSummary, issue: CaptureReadError?) throws -> CaptureReadSummary {
        summary.format = parser.format
        summary.linkTypes = parser.linkTypes
        summary.skippedBlockCount = parser.skippedBlockCount
        summary.byteCount = parser.offset
        if let issue {
            let isTruncation: Bool
            if case .truncatedRecord = issue { isTruncation = true } else { isTruncation = false }
            if summary.recordCount == 0, !isTruncation { throw issue }
            summary.endIssue = issue
        }
        return summary
    }
}
