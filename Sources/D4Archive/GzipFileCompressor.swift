#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Foundation

/// Compresses a closed file to `<file>.gz` (gzip format) and removes the original — only after the
/// `.gz` is complete and on disk.
///
/// The compressed bytes go to `<file>.gz.partial` first and get their final name by `link(2)` (which
/// never replaces an existing file), so a crash never leaves a truncated `.gz` that looks finished:
/// the original stays until the end.
enum GzipFileCompressor {
    static let blockSize = 256 * 1024

    static func partialURL(for source: URL) -> URL {
        source.deletingLastPathComponent().appendingPathComponent(source.lastPathComponent + ".gz.partial")
    }

    /// Returns the `.gz` URL. On error the original is untouched and no `.gz` or partial file remains.
    static func compress(_ source: URL, level: Int32) throws(ArchiveError) -> URL {
        let target = source.appendingPathExtension("gz")
        let partial = partialURL(for: source)
        let input = try ArchiveFile.openForReading(source)
        defer { _ = systemClose(input) }
        // A partial file can only be a leftover of a crash while compressing this very file.
        try ArchiveFile.remove(partial)
        var output = try ArchiveFile.createExclusive(partial)
        var finished = false
        defer {
            _ = systemClose(output.descriptor)
            if !finished { try? ArchiveFile.remove(partial) }
        }
        try deflateFile(input: input, source: source, output: &output, level: level)
        try output.sync()
        let linked = partial.withUnsafeFileSystemRepresentation { from in
            target.withUnsafeFileSystemRepresentation { to in
                guard let from, let to else { errno = EINVAL; return Int32(-1) }
                return link(from, to)
            }
        }
        guard linked == 0 else { throw .rename(from: partial.path, to: target.path, errno: errno) }
        finished = true
        try? ArchiveFile.remove(partial)
        try ArchiveFile.remove(source)
        ArchiveFile.syncDirectory(source.deletingLastPathComponent())
        return target
    }

    private static func deflateFile(input: Int32, source: URL, output: inout ArchiveFile,
                                    level: Int32) throws(ArchiveError) {
        var stream = z_stream()
        // windowBits 15 + 16: gzip header and trailer instead of the zlib wrapper.
        let initResult = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw .compression(path: source.path, reason: "deflateInit2 returned \(initResult)") }
        defer { deflateEnd(&stream) }

        let inBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        let outBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { inBuffer.deallocate(); outBuffer.deallocate() }
        let inBase = inBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        let outBase = outBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)

        var atEnd = false
        while !atEnd {
            let n = read(input, inBuffer.baseAddress, blockSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw .read(path: source.path, errno: errno)
            }
            atEnd = n == 0
            stream.next_in = inBase
            stream.avail_in = uInt(n)
            let flush = atEnd ? Z_FINISH : Z_NO_FLUSH
            repeat {
                stream.next_out = outBase
                stream.avail_out = uInt(blockSize)
                let result = deflate(&stream, flush)
                guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                    throw .compression(path: source.path, reason: "deflate returned \(result)")
                }
                let produced = blockSize - Int(stream.avail_out)
                if produced > 0 {
                    try output.write(UnsafeRawBufferPointer(rebasing: outBuffer[0 ..< produced]))
                }
                if result == Z_STREAM_END { break }
            } while stream.avail_out == 0  // zlib filled the buffer: more output may be pending
        }
    }
}
