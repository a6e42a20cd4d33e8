/// Follows a pcap byte stream chunk by chunk and reports where records start, without copying.
///
/// D4 frames cut a pcap stream at arbitrary offsets. The sensor needs record boundaries to resume a
/// stream on a new connection; the archive needs them to rotate files and to write whole records only.
/// The cursor keeps just enough state (a 16-byte record header may itself be split) to do that.
public struct PcapStreamCursor: Sendable {
    public private(set) var fileHeader: PcapFileHeader?
    /// Bytes of the stream consumed so far.
    public private(set) var offset: Int = 0
    /// Largest record accepted; a larger captured length means the stream is corrupt.
    public let recordLimit: UInt32

    private var pending: [UInt8] = []   // partial global header or record header
    private var bodyRemaining: Int = 0

    public init(recordLimit: UInt32 = 262_144) {
        self.recordLimit = recordLimit
        pending.reserveCapacity(PcapFileHeader.size)
    }

    /// True when the bytes consumed so far end exactly at a record boundary (after the global header).
    public var isAtRecordBoundary: Bool { fileHeader != nil && pending.isEmpty && bodyRemaining == 0 }

    /// Consumes `chunk`, calling `boundary(i)` for each offset `i` in the chunk where a record header
    /// starts (the first one right after the global header). Offsets equal to `chunk.count` are not
    /// reported: `isAtRecordBoundary` tells that case.
    public mutating func advance(over chunk: UnsafeRawBufferPointer,
                                 boundary: (Int) -> Void = { _ in }) throws(PcapFormatError) {
        var i = 0
        let n = chunk.count
        while i < n {
            if bodyRemaining > 0 {
                let take = min(bodyRemaining, n - i)
                bodyRemaining -= take
                i += take
                continue
            }
            let wanted = fileHeader == nil ? PcapFileHeader.size : 16
            if pending.isEmpty, fileHeader != nil { boundary(i) }
            if pending.isEmpty, n - i >= wanted {
                try consumeHeader(UnsafeRawBufferPointer(rebasing: chunk[i ..< i + wanted]))
                i += wanted
                continue
            }
            let take = min(wanted - pending.count, n - i)
            pending.append(contentsOf: chunk[i ..< i + take])
            i += take
            if pending.count == wanted {
                let copy = pending
                pending.removeAll(keepingCapacity: true)
                // withUnsafeBytes is rethrows (untyped): carry the typed error out as a Result.
                let outcome = copy.withUnsafeBytes { raw in
                    Result { () throws(PcapFormatError) in try consumeHeader(raw) }
                }
                try outcome.get()
            }
        }
        offset += n
    }

    private mutating func consumeHeader(_ raw: UnsafeRawBufferPointer) throws(PcapFormatError) {
        guard let header = fileHeader else {
            fileHeader = try PcapFileHeader(parsing: raw)
            return
        }
        let captured = raw.loadUInt32(at: 8, bigEndian: header.isByteSwapped)
        guard captured <= recordLimit else { throw .recordTooLarge(capturedLength: captured, limit: recordLimit) }
        bodyRemaining = Int(captured)
    }
}
