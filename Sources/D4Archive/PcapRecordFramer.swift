import Foundation
import PacketCapture

/// Cuts a type-1 stream at pcap record boundaries for the part writer: only whole records are
/// committed (so an open file is always readable to its last record), and files rotate only between
/// records, each rotated file starting with the stream's own global header (kept byte for byte).
struct PcapRecordFramer {
    enum Outcome {
        case stored
        /// The stream stopped being pcap; the first `validPrefix` bytes of the chunk were stored
        /// as pcap, the rest were not touched.
        case notPcap(PcapFormatError, validPrefix: Int)
    }

    private var cursor: PcapStreamCursor
    /// Record starts of the current chunk (reused: no allocation per append).
    private var boundaries: [Int] = []
    /// The stream's first 24 bytes as received (byte order and all fields preserved).
    private(set) var globalHeader: [UInt8] = []
    private var recordStarts = 0
    private var frozenRecords: Int?

    init(recordLimit: UInt32) {
        cursor = PcapStreamCursor(recordLimit: recordLimit)
        globalHeader.reserveCapacity(PcapFileHeader.size)
        boundaries.reserveCapacity(1024)
    }

    var hasGlobalHeader: Bool { cursor.fileHeader != nil }
    var isAtRecordBoundary: Bool { cursor.isAtRecordBoundary }

    /// Records stored complete so far.
    var completeRecords: Int {
        if let frozenRecords { return frozenRecords }
        return cursor.isAtRecordBoundary ? recordStarts : max(recordStarts - 1, 0)
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer, now: Date, rotationBytes: Int,
                         writer: ArchivePartWriter) throws(ArchiveError) -> Outcome {
        if globalHeader.count < PcapFileHeader.size {
            globalHeader.append(contentsOf: chunk.prefix(PcapFileHeader.size - globalHeader.count))
        }
        var starts = boundaries
        boundaries = []
        starts.removeAll(keepingCapacity: true)
        defer { boundaries = starts }

        var failure: PcapFormatError?
        do {
            try cursor.advance(over: chunk) { starts.append($0) }
        } catch {
            failure = error
        }
        if cursor.fileHeader != nil, writer.prologue.isEmpty { writer.prologue = globalHeader }

        // With a failure, the last reported start is the record whose header is bad.
        let validEnd: Int
        var rotationStops = starts[...]
        if let failure {
            guard let bad = starts.last else {
                // The bad header began in an earlier chunk, where its start was already counted.
                frozenRecords = max(recordStarts - 1, 0)
                return .notPcap(failure, validPrefix: 0)
            }
            validEnd = bad
            rotationStops = starts.dropLast()
        } else {
            validEnd = chunk.count
        }

        var position = 0
        var timeDue = writer.isTimeDue(now)
        for start in rotationStops {
            recordStarts += 1
            let partBytesAtStart = writer.projectedPartBytes + (start - position)
            // Rotate before this record when the part holds at least one record and is full or old.
            guard partBytesAtStart > PcapFileHeader.size, timeDue || partBytesAtStart >= rotationBytes else { continue }
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< start]), complete: true, now: now)
            try writer.finishPart(includeUncommitted: false)
            position = start
            timeDue = false
        }

        if let failure {
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< validEnd]), complete: true, now: now)
            frozenRecords = recordStarts
            return .notPcap(failure, validPrefix: validEnd)
        }
        if let lastStart = rotationStops.last, lastStart >= position {
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< lastStart]), complete: true, now: now)
            position = lastStart
        }
        try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< chunk.count]),
                          complete: cursor.isAtRecordBoundary, now: now)
        return .stored
    }
}
