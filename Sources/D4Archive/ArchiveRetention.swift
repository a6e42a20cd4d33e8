#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Keeps the archive within an age and a total size by deleting its oldest files (by modification
/// time) first. Files being written are spared; so are files being compressed, so a rotation and a
/// retention pass can run at the same time.
public struct ArchiveRetention: Sendable {
    /// Files last modified more than this many seconds ago are deleted.
    public var maxAge: Double?
    /// While the archive holds more bytes than this, its oldest files are deleted.
    public var maxTotalBytes: Int?

    /// A compression leftover (`.gz.partial`) older than this is a crash's debris, not work in progress.
    static let staleCompressionAge: Double = 3600

    public init(maxAge: Double? = nil, maxTotalBytes: Int? = nil) {
        self.maxAge = maxAge
        self.maxTotalBytes = maxTotalBytes
    }

    /// Applies the limits to `configuration.root`, sparing the files its sessions have open.
    public func enforce(configuration: ArchiveConfiguration, now: Date) throws -> [URL] {
        try enforce(root: configuration.root, now: now, sparing: configuration.openFiles.paths)
    }

    /// Deletes what is over the limits under `root` and returns the deleted files, oldest first.
    /// `sparing` holds paths (as `URL.standardizedFileURL.path`) never to delete: the open files.
    /// Folders left empty are removed. A file that cannot be deleted does not stop the others: the
    /// error at the end lists them together with what was deleted.
    public func enforce(root: URL, now: Date, sparing: Set<String> = []) throws -> [URL] {
        guard maxAge != nil || maxTotalBytes != nil else { return [] }
        var entries = try ArchiveTree.regularFiles(under: root.standardizedFileURL)
        entries.sort { ($0.modified, $0.url.path) < ($1.modified, $1.url.path) }

        let paths = Set(entries.map(\.url.path))
        var total = entries.reduce(0) { $0 &+ $1.size }
        var deleted: [URL] = []
        var failures: [String] = []
        for entry in entries {
            let tooOld = maxAge.map { now.timeIntervalSince1970 - entry.modified > $0 } ?? false
            let overSize = maxTotalBytes.map { total > $0 } ?? false
            guard tooOld || overSize else { continue }
            guard !isSpared(entry, sparing: sparing, existing: paths, now: now) else { continue }
            do {
                try ArchiveFile.remove(entry.url)
                deleted.append(entry.url)
                total -= entry.size
                removeEmptyFolders(from: entry.url.deletingLastPathComponent(), upTo: root.standardizedFileURL)
            } catch {
                failures.append("\(error)")
            }
        }
        if !failures.isEmpty { throw ArchiveError.retentionIncomplete(deleted: deleted, failures: failures) }
        return deleted
    }

    typealias Entry = ArchiveTree.File

    private func isSpared(_ entry: Entry, sparing: Set<String>, existing: Set<String>, now: Date) -> Bool {
        let path = entry.url.path
        if sparing.contains(path) { return true }
        if path.hasSuffix(".gz.partial") {
            return now.timeIntervalSince1970 - entry.modified < Self.staleCompressionAge
        }
        // Being compressed right now: its `.gz.partial` exists and is fresh.
        return existing.contains(path + ".gz.partial")
    }

    private func removeEmptyFolders(from folder: URL, upTo root: URL) {
        var current = folder.standardizedFileURL
        while current.path.count > root.path.count, current.path.hasPrefix(root.path) {
            guard rmdir(current.path) == 0 else { return }  // not empty (or in use): stop
            current = current.deletingLastPathComponent().standardizedFileURL
        }
    }
}
