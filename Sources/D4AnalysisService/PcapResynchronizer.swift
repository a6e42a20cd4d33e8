import PacketCapture

/// Finds the next record boundary of a pcap stream after bytes of it were lost (a drop-policy queue
/// evicted frames): without it one lost frame would blind the analyzer to that sensor until it
/// reconnects.
///
/// A candidate offset must hold a plausible record header (time near the last one seen, fraction in
/// range, captured length within snaplen and not above the original length) followed by a second
/// plausible header right after its record, so that packet bytes that happen to look like a header are
/// rarely taken for one. The buffer holds at most one candidate record plus the latest chunk: bytes
/// before a rejected offset are discarded as the search moves on.
struct PcapResynchronizer {
    let header: PcapFileHeader
    /// Seconds of the last record read before the loss (nil when none was).
    let lastTimestamp: Int64?
    /// Largest captured length accepted.
    let recordLimit: Int
    private var buffer: [UInt8] = []
    private var searchFrom = 0
    /// Bytes thrown away while searching.
    private(set) var discardedBytes = 0

    /// Headers must be within this many seconds of the last timestamp (and of each other).
    static let timeWindow: Int64 = 86_400

    init(header: PcapFileHeader, lastTimestamp: Int64?, recordLimit: Int) {
        self.header = header
        self.lastTimestamp = lastTimestamp
        self.recordLimit = max(16, min(recordLimit, header.snaplen == 0 ? recordLimit : Int(header.snaplen)))
    }

    /// Takes the next chunk; returns the stream from the found record boundary on (a whole record header
    /// first), or nil while still searching.
    mutating func consume(_ chunk: UnsafeRawBufferPointer) -> [UInt8]? {
        buffer.append(contentsOf: chunk)
        while searchFrom + 16 <= buffer.count {
            switch check(at: searchFrom) {
            case .boundary:
                let found = Array(buffer[searchFrom...])
                discardedBytes &+= searchFrom
                buffer = []
                searchFrom = 0
                return found
            case .needMore:
                compact()
                return nil
            case .no:
                searchFrom += 1
            }
        }
        compact()
        return nil
    }

    private enum Verdict { case boundary, needMore, no }

    private func check(at offset: Int) -> Verdict {
        guard let first = recordHeader(at: offset, near: lastTimestamp) else { return .no }
        let next = offset + 16 + first.captured
        guard next + 16 <= buffer.count else { return .needMore }
        return recordHeader(at: next, near: first.seconds) == nil ? .no : .boundary
    }

    /// The header at `offset` when plausible: its seconds and captured length.
    private func recordHeader(at offset: Int, near reference: Int64?) -> (seconds: Int64, captured: Int)? {
        let seconds = Int64(load(at: offset))
        let fraction = load(at: offset + 4)
        let captured = Int(load(at: offset + 8))
        let original = Int(load(at: offset + 12))
        let fractionLimit: UInt32 = header.resolution == .nanoseconds ? 1_000_000_000 : 1_000_000
        guard fraction < fractionLimit, captured >= 1, captured <= recordLimit, captured <= original,
              original <= 1 << 24 else { return nil }
        if let reference, abs(seconds - reference) > Self.timeWindow { return nil }
        return (seconds, captured)
    }

    @inline(__always)
    private func load(at offset: Int) -> UInt32 {
        let b0 = UInt32(buffer[offset]), b1 = UInt32(buffer[offset + 1])
        let b2 = UInt32(buffer[offset + 2]), b3 = UInt32(buffer[offset + 3])
        // pcap writes fields in the writer's byte order; `isByteSwapped` means big-endian on this host.
        return header.isByteSwapped ? (b0 << 24 | b1 << 16 | b2 << 8 | b3) : (b3 << 24 | b2 << 16 | b1 << 8 | b0)
    }

    /// Drops the bytes before the current search position.
    private mutating func compact() {
        let drop = min(searchFrom, buffer.count)
        guard drop > 0 else { return }
        buffer.removeFirst(drop)
        discardedBytes &+= drop
        searchFrom = 0
    }
}
