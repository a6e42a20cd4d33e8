import Foundation
import PacketCapture

/// Turns the paths given to `d4 analyze` into capture files: folders are searched recursively for
/// .pcap/.pcapng/.cap (optionally .gz) files, in name order.
public enum CaptureInputs {
    public static let extensions: Set<String> = ["pcap", "pcapng", "cap", "dmp"]

    public static func expand(_ paths: [String]) throws(CaptureInputError) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path) }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else { throw .unreadableFolder(path) }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                var name = relative.lowercased()
                if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
                guard let dot = name.lastIndex(of: "."), extensions.contains(String(name[name.index(after: dot)...]))
                else { continue }
                let full = (path as NSString).appendingPathComponent(relative)
                var childIsDirectory: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                    found.append(full)
                }
            }
            guard !found.isEmpty else { throw .emptyFolder(path) }
            files.append(contentsOf: found.sorted())
        }
        return files
    }

    /// Time of the first record of a capture, nil when it has none or cannot be read.
    public static func firstTimestamp(of path: String) -> Double? {
        struct FoundFirst: Error { let time: Double }
        do {
            var reader = try CaptureFileReader(path: path)
            _ = try reader.forEachRecord { record in
                throw FoundFirst(time: Double(record.timestampSeconds) + Double(record.timestampNanoseconds) * 1e-9)
            }
        } catch let found as FoundFirst {
            return found.time
        } catch {}
        return nil
    }

    /// Orders captures by their first timestamp (so that time runs forward across files); files
    /// without one keep their relative order at the end, where reading them reports the problem.
    public static func sortedByFirstTimestamp(_ paths: [String]) -> [String] {
        paths.enumerated()
            .map { (index: $0.offset, path: $0.element, time: firstTimestamp(of: $0.element) ?? .infinity) }
            .sorted { ($0.time, $0.index) < ($1.time, $1.index) }
            .map(\.path)
    }

    /// Size on disk, 0 when unknown.
    public static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

public enum CaptureInputError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case unreadableFolder(String)
    case emptyFolder(String)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file or folder"
        case .unreadableFolder(let path): "\(path): the folder cannot be listed (permissions?)"
        case .emptyFolder(let path): "\(path): the folder holds no capture file (.pcap, .pcapng, .cap, optionally .gz)"
        }
    }
}
