import Dispatch
import Foundation

/// One session's files handed to the background compressor: lets the session wait for them (at
/// close, or before reading them back) and learn which ones failed.
final class CompressionTracker: @unchecked Sendable {
    // @unchecked: `failures` is only touched under `lock`; DispatchGroup is thread-safe.
    struct Failure {
        /// Index of the file in the session's file list (which already names the `.gz`).
        var slot: Int
        var original: URL
        var error: ArchiveError
    }

    private let lock = NSLock()
    private let group = DispatchGroup()
    private var failures: [Failure] = []

    func submit(_ file: URL, slot: Int, level: Int32, compressor: ArchiveCompressor, openFiles: ArchiveOpenFiles) {
        group.enter()
        compressor.submit(file, level: level) { [self] result in
            if case .failure(let error) = result {
                lock.lock()
                failures.append(Failure(slot: slot, original: file, error: error))
                lock.unlock()
            }
            openFiles.remove(file)
            group.leave()
        }
    }

    /// Blocks until this session's compressions are done.
    func wait() { group.wait() }

    /// Runs `body` on `queue` once this session's compressions submitted so far are done.
    func notify(queue: DispatchQueue, _ body: @escaping () -> Void) {
        group.notify(queue: queue, execute: body)
    }

    /// Failures reported so far (each returned once).
    func takeFailures() -> [Failure] {
        lock.lock(); defer { lock.unlock() }
        defer { failures.removeAll() }
        return failures
    }
}
