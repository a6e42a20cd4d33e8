import CZlib

/// Streaming gzip decompression with zlib: compressed bytes come in through a bounded input buffer,
/// decompressed bytes go straight into the caller's buffer, so no whole file is ever held in memory.
/// Concatenated gzip members (as `cat a.gz b.gz` makes) are decompressed one after the other.
final class GzipInflater {
    static let inputCapacity = 256 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawPointer
    private var inputExhausted = false
    private var atMemberEnd = false
    private var pendingError: CaptureReadError?

    init() throws(CaptureReadError) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = UnsafeMutableRawPointer.allocate(byteCount: Self.inputCapacity, alignment: 16)
        // windowBits 15 + 16: gzip wrapper only (a zlib or raw stream is an error).
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw .gzipCorrupt(reason: "zlib inflateInit2 failed with status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Fills `output` with decompressed bytes, pulling compressed bytes through `refill` (which returns
    /// 0 at the end of the compressed data). Returns 0 only at the clean end of the gzip data. Bytes
    /// inflated before a problem are returned first; the problem is thrown by the next call.
    func inflate(into output: UnsafeMutableRawBufferPointer,
                 refill: (UnsafeMutableRawBufferPointer) throws(CaptureReadError) -> Int) throws(CaptureReadError) -> Int {
        if let pendingError {
            throw pendingError
        }
        guard let outBase = output.baseAddress, output.count > 0 else { return 0 }
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(output.count, Int(UInt32.max)))
        let wanted = Int(stream.pointee.avail_out)
        var produced: Int { wanted - Int(stream.pointee.avail_out) }
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0, !inputExhausted {
                let n: Int
                do {
                    n = try refill(UnsafeMutableRawBufferPointer(start: input, count: Self.inputCapacity))
                } catch {
                    return try deliver(produced, orThrow: error)
                }
                if n == 0 {
                    inputExhausted = true
                } else {
                    stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(n)
                }
            }
            if stream.pointee.avail_in == 0, inputExhausted {
                if atMemberEnd { return produced }
                return try deliver(produced, orThrow: .gzipTruncated)
            }
            if atMemberEnd {
                // Another member follows the previous one's trailer.
                inflateReset(stream)
                atMemberEnd = false
            }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                atMemberEnd = true
                if produced > 0 { return produced }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                return try deliver(produced, orThrow: .gzipCorrupt(reason: message))
            }
        }
        return produced
    }

    /// Returns the bytes already inflated and keeps `error` for the next call; throws it when none.
    private func deliver(_ produced: Int, orThrow error: CaptureReadError) throws(CaptureReadError) -> Int {
        guard produced > 0 else { throw error }
        pendingError = error
        return produced
    }
}
