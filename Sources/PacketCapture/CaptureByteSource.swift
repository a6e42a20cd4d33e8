#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a capture's bytes come from: a file read with read(2), or bytes already in memory; either
/// plain or gzip-compressed (recognised by its 1f 8b magic and inflated on the fly).
final class CaptureByteSource {
    private enum Origin {
        case file(descriptor: Int32)
        case memory(bytes: [UInt8], position: Int)
    }

    private var origin: Origin
    private var inflater: GzipInflater?
    /// Bytes looked at to detect gzip, handed out before anything else is read.
    private var peeked: [UInt8] = []

    var isGzipCompressed: Bool { inflater != nil }

    init(path: String) throws(CaptureReadError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        origin = .file(descriptor: descriptor)
        try detectCompression()
    }

    init(bytes: [UInt8]) throws(CaptureReadError) {
        origin = .memory(bytes: bytes, position: 0)
        try detectCompression()
    }

    deinit {
        if case .file(let descriptor) = origin { close(descriptor) }
    }

    private func detectCompression() throws(CaptureReadError) {
        var head: (UInt8, UInt8) = (0, 0)
        var got = 0
        while got < 2 {
            let n = try withUnsafeMutableBytes(of: &head) { (raw) throws(CaptureReadError) -> Int in
                try readRaw(into: UnsafeMutableRawBufferPointer(rebasing: raw[got...]))
            }
            if n == 0 { break }
            got += n
        }
        peeked = [head.0, head.1].prefix(got).map { $0 }
        if got == 2, head == (0x1F, 0x8B) {
            inflater = try GzipInflater()
        }
    }

    /// Reads up to `buffer.count` capture bytes (decompressed when gzip); 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureReadError) -> Int {
        if let inflater {
            return try inflater.inflate(into: buffer) { (raw) throws(CaptureReadError) -> Int in
                try self.readCompressed(into: raw)
            }
        }
        return try readCompressed(into: buffer)
    }

    /// Raw bytes of the origin, the peeked ones first.
    private func readCompressed(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureReadError) -> Int {
        if !peeked.isEmpty {
            let n = min(peeked.count, buffer.count)
            for i in 0 ..< n { buffer[i] = peeked[i] }
            peeked.removeFirst(n)
            return n
        }
        return try readRaw(into: buffer)
    }

    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureReadError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        switch origin {
        case .file(let descriptor):
            while true {
                let n = systemRead(descriptor, base, buffer.count)
                if n >= 0 { return n }
                if errno == EINTR { continue }
                throw .readFailed(reason: String(cString: strerror(errno)))
            }
        case .memory(let bytes, let position):
            let n = min(bytes.count - position, buffer.count)
            guard n > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                base.copyMemory(from: source.baseAddress.unsafelyUnwrapped + position, byteCount: n)
            }
            origin = .memory(bytes: bytes, position: position + n)
            return n
        }
    }
}

/// read(2), named apart from `CaptureByteSource.read(into:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
