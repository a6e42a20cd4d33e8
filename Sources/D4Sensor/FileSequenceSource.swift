import Foundation
import PacketCapture

/// Standard input, or files read one after the other as one stream.
///
/// Like the reference client it makes one frame per read(2), so a regular file gives full snaplen
/// frames and a pipe gives what each read returns. With `mergePcapFiles`, a file after the first
/// whose pcap global header equals the first one's continues the same pcap stream (its header is
/// skipped); a file with another header starts a new session.
public final class FileSequenceSource: ByteSource {
    private var pending: [String]
    private let mergePcapFiles: Bool
    private var descriptor: Int32 = -1
    private var currentPath = ""
    private var streamHeader: [UInt8]?
    /// Header bytes already read from the next file, to be sent before the rest of it.
    private var carry: [UInt8] = []
    /// Called with each path once it has been read to its end.
    public var onFileCompleted: ((String) -> Void)?

    /// Files read in order as one stream.
    public init(paths: [String], mergePcapFiles: Bool) throws {
        self.mergePcapFiles = mergePcapFiles
        pending = paths
    }

    /// An already open descriptor (stdin, a pipe), read until its end; not closed by the source.
    public init(descriptor: Int32, name: String) throws {
        mergePcapFiles = false
        pending = []
        self.descriptor = descriptor
        currentPath = name
        isStreamDescriptor = true
    }

    private var isStreamDescriptor = false

    deinit { if descriptor >= 0, !isStreamDescriptor { close(descriptor) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead {
        while true {
            if !carry.isEmpty {
                let count = min(carry.count, buffer.count)
                carry.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
                carry.removeFirst(count)
                return .bytes(count)
            }
            if descriptor < 0 {
                guard !pending.isEmpty else { return .endOfInput }
                if let boundary = try openNext() { return boundary }
                continue
            }
            let count = try readRetrying(descriptor, buffer, path: currentPath)
            if count > 0 { return .bytes(count) }
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
        var header = [UInt8](repeating: 0, count: PcapFileHeader.size)
        let count = try header.withUnsafeMutableBytes { try readFully(fd, $0, path: path) }
        header.removeLast(header.count - count)
        defer { carry = header }
        guard let first = streamHeader else {
            streamHeader = header
            return nil
        }
        if header == first {
            header = []  // same link type and format: continue the stream without a second header
            return nil
        }
        streamHeader = header
        return .endOfSession
    }
}
