import Foundation

/// What a closed session left on disk.
public struct ArchiveSessionSummary: Sendable, Hashable {
    /// Final paths in the order written (`.gz` when compressed); a `.meta.json` follows its data file.
    public var files: [URL]
    /// Payload bytes received (equal to the bytes stored, not counting repeated pcap headers).
    public var bytes: Int
    /// Complete pcap records (type 1 as long as it was pcap); 0 for other types.
    public var records: Int
    /// Lines of text types, a final line without newline included; 0 for other types.
    public var lines: Int
    public var problems: [ArchiveProblem]

    public init(files: [URL], bytes: Int, records: Int, lines: Int, problems: [ArchiveProblem]) {
        self.files = files
        self.bytes = bytes
        self.records = records
        self.lines = lines
        self.problems = problems
    }
}
