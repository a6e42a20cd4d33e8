import Foundation
import PacketCapture

/// One sensor connection's type-1 byte stream, re-assembled into capture records.
///
/// Frames cut the capture anywhere, so a record may span two items. When the queue lost items
/// (`markBytesLost`), a pcap stream is resynchronised on the next plausible record boundary; a stream
/// that is not a capture, or breaks, is rejected and its further bytes are only counted.
/// Confined to the analysis engine (not Sendable: the reader owns a mutable buffer).
final class SessionStream {
    enum State {
        case reading(PcapStreamReader)
        case resynchronizing(PcapResynchronizer)
        case rejected(reason: String)
    }

    /// What became of a chunk, for the engine's counters.
    enum Outcome: Equatable {
        case read
        /// The stream just turned out unreadable: never a capture (no record read) or broken later.
        case rejected(notCapture: Bool, reason: String)
        /// The chunk belongs to a stream rejected earlier.
        case ignored
        case resynchronizing
        /// A record boundary was found again after lost bytes.
        case resynchronized(discardedBytes: Int)
    }

    private(set) var state: State
    /// When the last item of this session arrived (wall clock seconds).
    var lastActivity: Double
    private(set) var records = 0
    /// The stream's first bytes up to the pcap global header: needed to restart a reader mid-stream.
    private var headerBytes: [UInt8] = []
    private var fileHeader: PcapFileHeader?
    private var lastTimestamp: Int64?
    private let recordLimit: Int

    init(recordLimit: Int, now: Double) {
        self.recordLimit = recordLimit
        state = .reading(PcapStreamReader(recordLimit: recordLimit))
        lastActivity = now
    }

    var isRejected: Bool {
        if case .rejected = state { return true }
        return false
    }

    /// Feeds one item's bytes, calling `body` for every completed record.
    func consume(_ chunk: UnsafeRawBufferPointer, _ body: (CaptureRecord) -> Void) -> Outcome {
        switch state {
        case .rejected:
            return .ignored
        case .reading(var reader):
            if fileHeader == nil { keepHeaderBytes(chunk) }
            do {
                try reader.feed(chunk) { record in
                    lastTimestamp = record.timestampSeconds
                    records &+= 1
                    body(record)
                }
                state = .reading(reader)
                return .read
            } catch {
                let reason = (error as? CaptureReadError)?.description ?? String(describing: error)
                state = .rejected(reason: reason)
                return .rejected(notCapture: records == 0, reason: reason)
            }
        case .resynchronizing(var search):
            guard let rest = search.consume(chunk) else {
                state = .resynchronizing(search)
                return .resynchronizing
            }
            var reader = PcapStreamReader(recordLimit: recordLimit)
            let discarded = search.discardedBytes
            // Header and found records go through a fresh reader; `consume` of the rest cannot re-enter here.
            let restart = headerBytes.withUnsafeBytes { header in
                Result { try reader.feed(header) { _ in } }
            }
            guard case .success = restart else {
                state = .rejected(reason: "the stream's own pcap header no longer parses")
                return .rejected(notCapture: false, reason: "the stream's own pcap header no longer parses")
            }
            state = .reading(reader)
            let outcome = rest.withUnsafeBytes { consume($0, body) }
            if case .read = outcome { return .resynchronized(discardedBytes: discarded) }
            return outcome
        }
    }

    /// Items of the queue were lost: this stream may miss bytes. A pcap stream searches the next record
    /// boundary; a pcapng stream (blocks cannot be found reliably) or one without its header is rejected.
    /// Returns false when the stream was rejected by this.
    func markBytesLost() -> Bool {
        guard case .reading = state else { return true }
        guard let fileHeader, headerBytes.count == PcapFileHeader.size else {
            state = .rejected(reason: "queue items were lost before the stream's pcap header was complete, or it is pcapng")
            return false
        }
        state = .resynchronizing(PcapResynchronizer(header: fileHeader, lastTimestamp: lastTimestamp, recordLimit: recordLimit))
        return true
    }

    /// The reader's view of the end of the stream (a record cut by the end is reported).
    func finish() -> CaptureReadSummary? {
        if case .reading(let reader) = state { return reader.finish() }
        return nil
    }

    /// Collects the first 24 bytes; parses them as a pcap header (pcapng streams leave it nil).
    private func keepHeaderBytes(_ chunk: UnsafeRawBufferPointer) {
        let missing = PcapFileHeader.size - headerBytes.count
        guard missing > 0 else { return }
        headerBytes.append(contentsOf: chunk.prefix(missing))
        guard headerBytes.count == PcapFileHeader.size else { return }
        fileHeader = headerBytes.withUnsafeBytes { try? PcapFileHeader(parsing: $0) }
    }
}
