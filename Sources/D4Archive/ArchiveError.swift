#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why the archive could not store or manage files. Disk errors carry the path and the system's
/// error text, so an operator can act on them (full disk, permissions, …).
public enum ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)
    case createDirectory(path: String, reason: String)
    case create(path: String, errno: Int32)
    case write(path: String, errno: Int32)
    case read(path: String, errno: Int32)
    case sync(path: String, errno: Int32)
    case close(path: String, errno: Int32)
    case remove(path: String, errno: Int32)
    case rename(from: String, to: String, errno: Int32)
    case listDirectory(path: String, reason: String)
    /// No free name for a new file after many attempts (something keeps creating the same names).
    case noFreeName(directory: String, base: String)
    case compression(path: String, reason: String)
    case sessionClosed(path: String)
    /// Retention deleted `deleted` but could not delete some files (`failures` says which and why).
    case retentionIncomplete(deleted: [URL], failures: [String])

    public var description: String {
        switch self {
        case .invalidConfiguration(let why): return "archive configuration invalid: \(why)"
        case .createDirectory(let path, let reason): return "cannot create folder \(path): \(reason)"
        case .create(let path, let e): return "cannot create \(path): \(Self.text(e))"
        case .write(let path, let e): return "cannot write \(path): \(Self.text(e))"
        case .read(let path, let e): return "cannot read \(path): \(Self.text(e))"
        case .sync(let path, let e): return "cannot sync \(path) to disk: \(Self.text(e))"
        case .close(let path, let e): return "cannot close \(path): \(Self.text(e))"
        case .remove(let path, let e): return "cannot remove \(path): \(Self.text(e))"
        case .rename(let from, let to, let e): return "cannot rename \(from) to \(to): \(Self.text(e))"
        case .listDirectory(let path, let reason): return "cannot list folder \(path): \(reason)"
        case .noFreeName(let dir, let base): return "no free file name for \(base) in \(dir) after 1000 tries"
        case .compression(let path, let reason): return "cannot compress \(path): \(reason)"
        case .sessionClosed(let path): return "archive session of \(path) is already closed"
        case .retentionIncomplete(let deleted, let failures):
            return "retention deleted \(deleted.count) files but not \(failures.count): \(failures.joined(separator: "; "))"
        }
    }

    static func text(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
