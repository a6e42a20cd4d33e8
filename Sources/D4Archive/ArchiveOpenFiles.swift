import Foundation

/// The files that sessions are writing or compressing right now, shared by all sessions of a server
/// and read by retention from another thread (hence the lock).
public final class ArchiveOpenFiles: @unchecked Sendable {
    // @unchecked: every access to `paths` goes through `lock`.
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    /// Paths (standardized) of the files in use.
    public var paths: Set<String> {
        lock.lock(); defer { lock.unlock() }
        return Set(counts.keys)
    }

    public func contains(_ url: URL) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return counts[url.standardizedFileURL.path] != nil
    }

    func insert(_ url: URL) {
        lock.lock(); defer { lock.unlock() }
        counts[url.standardizedFileURL.path, default: 0] += 1
    }

    func remove(_ url: URL) {
        let key = url.standardizedFileURL.path
        lock.lock(); defer { lock.unlock() }
        guard let n = counts[key] else { return }
        counts[key] = n > 1 ? n - 1 : nil
    }
}
