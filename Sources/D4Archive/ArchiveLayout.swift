#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where the files of one session go and how they are named.
///
/// `<root>/<uuid-hex>/<type>[/<metaType>]/YYYY/MM/DD/<uuid-hex>-<start>-s<sessionID>-<part>.<ext>`,
/// the date folder being the UTC day the file was opened (for the first file: the session start),
/// `<start>` the session start `YYYYMMDDhhmmss` UTC. Start and session ID together make names unique
/// per session; `-c<n>` is added when a name is taken anyway (nothing is ever overwritten).
struct ArchiveLayout {
    let root: URL
    let key: SessionKey
    /// `<root>/<uuid-hex>/<type>[/<metaType>]`
    let typeDirectory: URL
    private let stem: String

    init(root: URL, key: SessionKey) {
        self.root = root
        self.key = key
        var dir = root.appendingPathComponent(Self.uuidHex(key.sensorUUID), isDirectory: true)
            .appendingPathComponent(String(key.type), isDirectory: true)
        if key.type == 254 {
            dir.appendPathComponent(Self.sanitizedFolderName(key.metaType), isDirectory: true)
        }
        typeDirectory = dir
        stem = "\(Self.uuidHex(key.sensorUUID))-\(Self.compactTimestamp(key.start))-s\(key.sessionID)"
    }

    /// The 32 lowercase hex digits of a UUID, without dashes.
    static func uuidHex(_ uuid: UUID) -> String {
        let u = uuid.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A meta type as a single safe folder name: letters, digits, `.`, `_`, `-` kept, anything else
    /// replaced by `_`, no leading dot (no `..`, no hidden folder), at most 64 characters.
    static func sanitizedFolderName(_ metaType: String?) -> String {
        var out = ""
        for scalar in (metaType ?? "").unicodeScalars.prefix(64) {
            let ok = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "unknown" : out
    }

    /// File extension by D4 type (`raw` for the unknown and for type 1 that is not pcap).
    static func fileExtension(forType type: UInt8) -> String {
        switch type {
        case 1: return "pcap"
        case 2: return "json"
        case 3: return "log"
        case 4: return "dnscap.txt"
        case 5: return "pcapng"
        case 6: return "ndjson"
        case 7: return "yaf"
        case 8: return "passivedns.txt"
        case 254: return "txt"
        default: return "raw"
        }
    }

    static func utc(_ date: Date) -> tm {
        // Clamped to years 0…9999 so that no date (even a nonsensical one) can trap the conversion.
        let raw = date.timeIntervalSince1970
        let bounded = raw.isFinite ? min(max(raw, -62_167_219_200), 253_402_300_799) : 0
        var seconds = time_t(Int64(bounded.rounded(.down)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    static func compactTimestamp(_ date: Date) -> String {
        let t = utc(date)
        return pad(Int(t.tm_year) + 1900, 4) + pad(Int(t.tm_mon) + 1, 2) + pad(Int(t.tm_mday), 2)
            + pad(Int(t.tm_hour), 2) + pad(Int(t.tm_min), 2) + pad(Int(t.tm_sec), 2)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `typeDirectory/YYYY/MM/DD` for the UTC day of `date`.
    func directory(for date: Date) -> URL {
        let t = Self.utc(date)
        return typeDirectory
            .appendingPathComponent(Self.pad(Int(t.tm_year) + 1900, 4), isDirectory: true)
            .appendingPathComponent(Self.pad(Int(t.tm_mon) + 1, 2), isDirectory: true)
            .appendingPathComponent(Self.pad(Int(t.tm_mday), 2), isDirectory: true)
    }

    func createDirectory(_ dir: URL) throws(ArchiveError) {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw .createDirectory(path: dir.path, reason: "\(error.localizedDescription)")
        }
    }

    /// Creates the file of part `part` (1-based) in the folder of `date`, never reusing a name that
    /// exists in any form (plain, `.gz`, compression in progress, or its `.meta.json`).
    func createPart(_ part: Int, fileExtension ext: String, date: Date) throws(ArchiveError) -> ArchiveFile {
        let dir = directory(for: date)
        try createDirectory(dir)
        let base = "\(stem)-\(Self.pad(part, 4))"
        for attempt in 0 ..< 1000 {
            let name = attempt == 0 ? base : "\(base)-c\(attempt)"
            let url = dir.appendingPathComponent("\(name).\(ext)")
            let taken = ArchiveFile.exists(url.appendingPathExtension("gz"))
                || ArchiveFile.exists(GzipFileCompressor.partialURL(for: url))
                || ArchiveFile.exists(Self.metaURL(forData: url))
            if taken { continue }
            do {
                return try ArchiveFile.createExclusive(url)
            } catch {
                if case .create(_, let code) = error, code == EEXIST { continue }
                throw error
            }
        }
        throw .noFreeName(directory: dir.path, base: base)
    }

    /// `<data file name up to the part number>.meta.json` beside a data file.
    static func metaURL(forData url: URL) -> URL {
        var name = url.lastPathComponent
        if let dash = name.range(of: ".") { name = String(name[..<dash.lowerBound]) }
        return url.deletingLastPathComponent().appendingPathComponent(name + ".meta.json")
    }
}
