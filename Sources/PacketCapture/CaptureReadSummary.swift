/// What one pass over a capture found. A problem met after records were delivered is reported here
/// (`endIssue`) instead of being thrown, so the records already processed stay meaningful.
public struct CaptureReadSummary: Hashable, Sendable {
    /// Container format; nil when not even the file header was complete.
    public var format: CaptureFormat?
    public var isGzipCompressed: Bool
    /// Records delivered to the callback.
    public var recordCount: Int = 0
    /// Bytes of the (decompressed) capture consumed, headers included.
    public var byteCount: Int = 0
    /// Link types of the records delivered, and of pcap/pcapng interfaces declared.
    public var linkTypes: Set<UInt16> = []
    /// pcapng blocks skipped because they carry no packet (statistics, name resolution, custom, …).
    public var skippedBlockCount: Int = 0
    /// 1 when the capture ends inside a record (a truncated last record), else 0.
    public var truncatedRecordCount: Int = 0
    /// Bytes left over after the last complete record.
    public var trailingByteCount: Int = 0
    /// Why reading stopped before a clean end, when it did.
    public var endIssue: CaptureReadError?

    public init(format: CaptureFormat? = nil, isGzipCompressed: Bool = false) {
        self.format = format
        self.isGzipCompressed = isGzipCompressed
    }

    /// True when the whole capture was read and ended on a record boundary.
    public var isComplete: Bool { endIssue == nil && truncatedRecordCount == 0 }
}
