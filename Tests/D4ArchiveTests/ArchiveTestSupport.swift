import CZlib
import D4Archive
import Foundation
import XCTest

/// Deterministic random numbers (SplitMix64) so that every cut pattern can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh folder per test, removed afterwards.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("d4archive-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

enum Fixtures {
    static let sensor = UUID(uuidString: "3B7F9E51-6C2A-4D8B-9E0F-1A2B3C4D5E6F")!
    static let start = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01 00:00:00 UTC

    static func key(type: UInt8, session: UInt64 = 1, metaType: String? = nil, start: Date = start) -> SessionKey {
        SessionKey(sensorUUID: sensor, type: type, metaType: metaType, sessionID: session, start: start)
    }

    /// A pcap stream of `records` packets with lengths 0…maxLength, in either byte order and resolution.
    static func pcap(records: Int, seed: UInt64, maxLength: Int = 1514, swapped: Bool = false,
                     nanoseconds: Bool = false) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var out: [UInt8] = []
        func put32(_ v: UInt32) { withUnsafeBytes(of: swapped ? v.bigEndian : v.littleEndian) { out.append(contentsOf: $0) } }
        func put16(_ v: UInt16) { withUnsafeBytes(of: swapped ? v.bigEndian : v.littleEndian) { out.append(contentsOf: $0) } }
        put32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        put16(2); put16(4)
        put32(0xFFFF_FFC4)  // thiszone -60 (kept byte for byte by the archive)
        put32(0)
        put32(65535)
        put32(1)
        for i in 0 ..< records {
            let length = Int.random(in: 0 ... maxLength, using: &rng)
            put32(1_704_067_200 + UInt32(i))
            put32(UInt32(i % 1_000_000))
            put32(UInt32(length))
            put32(UInt32(length + 4))
            for _ in 0 ..< length { out.append(UInt8.random(in: 0 ... 255, using: &rng)) }
        }
        return out
    }

    /// Random cut points: 0 < p1 < p2 < … < count.
    static func cuts(count: Int, pieces: Int, using rng: inout SeededGenerator) -> [Int] {
        guard count > 1 else { return [] }
        var points = Set<Int>()
        for _ in 0 ..< pieces { points.insert(Int.random(in: 1 ..< count, using: &rng)) }
        return points.sorted()
    }
}

extension ArchiveSession {
    /// Appends `bytes` cut at `cuts`, all at `now`.
    func append(_ bytes: [UInt8], cuts: [Int], now: Date) throws {
        var from = 0
        try bytes.withUnsafeBytes { raw in
            for cut in cuts + [bytes.count] where cut > from {
                try append(UnsafeRawBufferPointer(rebasing: raw[from ..< cut]), now: now)
                from = cut
            }
        }
    }

    func append(_ bytes: [UInt8], now: Date) throws {
        try bytes.withUnsafeBytes { try append($0, now: now) }
    }
}

/// The stored content of an archive file, gunzipped with zlib when it ends in `.gz`.
func storedBytes(_ url: URL) throws -> [UInt8] {
    guard url.pathExtension == "gz" else { return [UInt8](try Data(contentsOf: url)) }
    guard let gz = gzopen(url.path, "rb") else { throw NSError(domain: "gunzip", code: 1) }
    defer { gzclose(gz) }
    var out: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = block.withUnsafeMutableBytes { Int(gzread(gz, $0.baseAddress, UInt32($0.count))) }
        if n < 0 { throw NSError(domain: "gunzip", code: 2) }
        if n == 0 { break }
        out.append(contentsOf: block[0 ..< n])
    }
    return out
}

/// True when `url` is a complete gzip stream (zlib checks the trailer's CRC and length).
func isCompleteGzip(_ url: URL) throws -> Bool {
    let data = [UInt8](try Data(contentsOf: url))
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
    defer { inflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: 65536)
    return data.withUnsafeBytes { input -> Bool in
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let result = out.withUnsafeMutableBytes { buffer -> Int32 in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(buffer.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            if result == Z_STREAM_END { return stream.avail_in == 0 }
            if result != Z_OK { return false }
        }
    }
}

/// A pcap file split into its global header and its records (16-byte header + data each).
struct ParsedPcap {
    var header: [UInt8]
    var records: [[UInt8]]
    /// Bytes after the last complete record (a truncated record).
    var trailing: Int

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 24 else { throw NSError(domain: "pcap", code: 1, userInfo: [NSLocalizedDescriptionKey: "short header"]) }
        header = Array(bytes[0 ..< 24])
        let magic = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let swapped: Bool
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D: swapped = false
        case 0xD4C3_B2A1, 0x4D3C_B2A1: swapped = true
        default: throw NSError(domain: "pcap", code: 2, userInfo: [NSLocalizedDescriptionKey: "bad magic"])
        }
        records = []
        var i = 24
        while i + 16 <= bytes.count {
            let b = bytes[i + 8 ..< i + 12].map(UInt32.init)
            let length = Int(swapped ? (b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) : (b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24))
            guard i + 16 + length <= bytes.count else { break }
            records.append(Array(bytes[i ..< i + 16 + length]))
            i += 16 + length
        }
        trailing = bytes.count - i
    }
}

/// Every regular file under `root`, sorted by path.
func allFiles(under root: URL) -> [URL] {
    guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var out: [URL] = []
    for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        out.append(url)
    }
    return out.sorted { $0.path < $1.path }
}

/// A program from PATH, or nil.
func executable(_ name: String) -> URL? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}
