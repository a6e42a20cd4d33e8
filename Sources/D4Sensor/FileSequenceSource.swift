import Foundation
import PacketCapture

/// Standard input, or files read one after the other as one stream.
///
/// Like the reference client it makes one frame per read(2), so a regular file gives full snaplen
/// frames and a pipe gives what each read returns. With `mergePcapFiles`, a file after the first
/// whose pcap global header equals the stream's continues the same pcap stream (its header is
/// skipped); a file with another header starts a new session.
public final class FileSequenceSource: ByteSource {
    private var pending: [String]
    private let mergePcapFiles: Bool
    private var descriptor: Int32 = -1
    private let isStreamDescriptor: Bool
    private var currentPath = ""
    /// The global header of the pcap stream being sent (bytes seen so far, up to 24).
    private var streamHeader: [UInt8] = []
    private var capturingHeader = false
    /// Bytes already read from the current file (its header) that go out before the rest of it.
    private var carry: [UInt8] = []
    /// Called with each path once it has been read to its end.
    public var onFileCompleted: ((String) -> Void)?

    /// Files read in order as one stream.
    public init(paths: [String], mergePcapFiles: Bool) throws {
        self.mergePcapFiles = mergePcapFiles
        pending = paths
        isStreamDescriptor = false
    }

    /// An already open descriptor (stdin, a pipe), read until its end; not closed by the source.
    public init(descriptor: Int32, name: String) throws {
        mergePcapFiles = false
        pending = []
        self.descriptor = descriptor
        currentPath = name
        isStreamDescriptor = true
    }

    deinit { if descriptor >= 0, !isStreamDescriptor { close(descriptor) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead {
        while true {
            if descriptor < 0 {
                guard !pending.isEmpty else { return .endOfInput }
                if let boundary = try openNext() { return boundary }
                continue
            }
            // A carried header goes first, and the same read fills the rest of the buffer.
            var filled = 0
            if !carry.isEmpty {
                filled = min(carry.count, buffer.count)
                carry.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
                carry.removeFirst(filled)
                if filled == buffer.count { return .bytes(filled) }
            }
            let count = try readRetrying(descriptor, UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), path: currentPath)
            if capturingHeader, count > 0 {
                streamHeader += buffer[filled ..< filled + min(count, PcapFileHeader.size - streamHeader.count)]
                capturingHeader = streamHeader.count < PcapFileHeader.size
            }
            if count + filled > 0 { return .bytes(count + filled) }
            if isStreamDescriptor { return .endOfInput }
            close(descriptor)
            descriptor = -1
            onFileCompleted?(currentPath)
        }
    }

    /// Opens the next file; returns `.endOfSession` when it must start a new pcap stream.
    private func openNext() throws -> SourceRead? {
        let path = pending.removeFirst()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SourceError(path: path, errno: errno) }
        descriptor = fd
        currentPath = path
        guard mergePcapFiles else { return nil }
        if streamHeader.isEmpty {
            // First file of the stream: send it untouched, remembering its header on the way.
            capturingHeader = true
            return nil
        }
        var header = [UInt8](repeating: 0, count: PcapFileHeader.size)
        let count = try header.withUnsafeMutableBytes { try readFully(fd, $0, path: path) }
        header.removeLast(header.count - count)
        if header == streamHeader { return nil }  // same format and link type: continue without it
        carry = header
        streamHeader = header
        return .endOfSession
    }
}
