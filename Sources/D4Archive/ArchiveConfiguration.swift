import Foundation

/// Where and how the server keeps the streams it receives.
///
/// One value is shared by all sessions of a server; `openFiles` is the registry through which
/// retention learns which files are still being written.
public struct ArchiveConfiguration: Sendable {
    /// The archive folder (the server's `DATA/archive`).
    public var root: URL
    /// A file is closed (and compressed) at the first record/line boundary this many seconds after it
    /// was opened.
    public var rotationInterval: Double
    /// A file is closed at the first record/line boundary once it holds at least this many bytes.
    public var rotationBytes: Int
    /// Closed files are gzip-compressed (`.gz`) and the uncompressed copy removed.
    public var compressClosedFiles: Bool
    /// Largest pcap record accepted; a longer captured length means the stream is not pcap.
    public var pcapRecordLimit: UInt32
    /// zlib level for closed files: -1 is zlib's default (6); 1 is about three times faster.
    public var compressionLevel: Int32
    /// A text line longer than this is written out in pieces (with a problem recorded) instead of
    /// being held in memory until its end.
    public var maxPendingLineBytes: Int
    /// Files currently written by sessions of this configuration; retention spares them.
    public var openFiles: ArchiveOpenFiles
    /// Compresses rotated files in the background; nil compresses them inline (the session waits).
    /// `close` always waits for its session's files, so its summary names the final `.gz` files.
    public var compressor: ArchiveCompressor?

    public init(root: URL, rotationInterval: Double = 300, rotationBytes: Int = 100_000_000,
                compressClosedFiles: Bool = true, pcapRecordLimit: UInt32 = 262_144,
                compressionLevel: Int32 = -1, maxPendingLineBytes: Int = 1 << 20,
                openFiles: ArchiveOpenFiles = ArchiveOpenFiles(),
                compressor: ArchiveCompressor? = ArchiveCompressor()) {
        self.root = root
        self.rotationInterval = rotationInterval
        self.rotationBytes = rotationBytes
        self.compressClosedFiles = compressClosedFiles
        self.pcapRecordLimit = pcapRecordLimit
        self.compressionLevel = compressionLevel
        self.maxPendingLineBytes = maxPendingLineBytes
        self.openFiles = openFiles
        self.compressor = compressor
    }

    /// Throws when a value would make the writer misbehave (zero-size rotation, negative interval…).
    func validate() throws(ArchiveError) {
        guard rotationBytes > 0 else { throw .invalidConfiguration("rotationBytes must be positive, is \(rotationBytes)") }
        guard rotationInterval > 0, rotationInterval.isFinite else {
            throw .invalidConfiguration("rotationInterval must be a positive number of seconds, is \(rotationInterval)")
        }
        guard pcapRecordLimit > 0, pcapRecordLimit <= 256 << 20 else {
            throw .invalidConfiguration("pcapRecordLimit must be between 1 and 268435456, is \(pcapRecordLimit)")
        }
        guard (-1 ... 9).contains(compressionLevel) else {
            throw .invalidConfiguration("compressionLevel must be -1 (default) or 0…9, is \(compressionLevel)")
        }
        guard maxPendingLineBytes > 0 else {
            throw .invalidConfiguration("maxPendingLineBytes must be positive, is \(maxPendingLineBytes)")
        }
    }
}
