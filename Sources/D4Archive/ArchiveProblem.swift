import Foundation

/// Something the operator should know about a stream, shown on the sensor's page. Apart from
/// `diskError`, no bytes were lost to any of them.
public struct ArchiveProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Type 1 payload that is not pcap: the session is kept as a raw file.
        case notPcap
        /// The pcap stream ended inside a record (or inside the global header).
        case truncatedStream
        /// A text line exceeded the pending-line limit and was written out in pieces.
        case lineTooLong
        /// A closed file could not be compressed; it is kept uncompressed.
        case compressionFailed
        /// A type-254 session without a meta header: its files have no `.meta.json`.
        case missingMetaHeader
        /// The disk refused a write; the session stopped storing (the one kind that loses bytes,
        /// and says how many).
        case diskError
    }

    public var kind: Kind
    public var message: String
    /// The file concerned, when there is one.
    public var file: URL?

    public init(kind: Kind, message: String, file: URL? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
    }

    public var description: String { message }
}
