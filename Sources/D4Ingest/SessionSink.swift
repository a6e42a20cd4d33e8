import D4Archive
import Dispatch
import Foundation
import NIOCore
import Synchronization

/// Carries one connection's accepted payloads to its archive session off the event loop, on a serial
/// queue of its own, and tells the connection how much is still waiting so it can stop reading the
/// socket when the disk falls behind (backpressure instead of unbounded memory).
final class SessionSink: @unchecked Sendable {
    // `archive` and `failed` are only touched on `queue`; the counters are atomics.
    static let pauseAboveBytes = 8 << 20
    static let resumeBelowBytes = 2 << 20

    let key: SessionKey
    private let queue: DispatchQueue
    private var archive: ArchiveSession?
    private var failed = false
    private let waitingBytes = Atomic<Int>(0)
    private let waitingFrames = Atomic<Int>(0)

    /// Opens the archive session (on the sink's queue); `onFailure` runs there when the disk fails.
    init(key: SessionKey, configuration: ArchiveConfiguration, metaHeaderJSON: Data?,
         onFailure: @escaping @Sendable (String) -> Void) {
        self.key = key
        self.queue = DispatchQueue(label: "d4.archive.\(key.sensorUUID.compactHex).\(key.sessionID)")
        queue.async {
            do {
                self.archive = try ArchiveSession(key: key, configuration: configuration, metaHeaderJSON: metaHeaderJSON)
            } catch {
                self.failed = true
                onFailure("\(error)")
            }
        }
    }

    var backlogFrames: Int { waitingFrames.load(ordering: .relaxed) }
    var backlogBytes: Int { waitingBytes.load(ordering: .relaxed) }

    /// Queues a payload; `onDrained` runs (on the sink's queue) when the backlog falls back under the
    /// resume mark after having been over the pause mark.
    func append(_ payload: ByteBuffer, now: Date, onFailure: @escaping @Sendable (String) -> Void,
                onDrained: @escaping @Sendable () -> Void) {
        let size = payload.readableBytes
        waitingBytes.add(size, ordering: .relaxed)
        waitingFrames.add(1, ordering: .relaxed)
        queue.async {
            defer {
                let before = self.waitingBytes.subtract(size, ordering: .relaxed).oldValue
                self.waitingFrames.subtract(1, ordering: .relaxed)
                if before >= Self.resumeBelowBytes, before - size < Self.resumeBelowBytes { onDrained() }
            }
            guard !self.failed, let archive = self.archive else { return }
            do {
                try payload.withUnsafeReadableBytes { try archive.append($0, now: now) }
            } catch {
                self.failed = true
                onFailure("\(error)")
            }
        }
    }

    /// Periodic work: data to the OS (no 10-second polling), time-based rotation of quiet files.
    func tick(now: Date) {
        queue.async {
            guard !self.failed, let archive = self.archive else { return }
            try? archive.flush()
            try? archive.rotateIfDue(now: now)
        }
    }

    /// Writes what is queued, closes the files (compressing them) and returns the summary.
    func close(now: Date) async -> ArchiveSessionSummary? {
        await withCheckedContinuation { continuation in
            queue.async {
                let summary = try? self.archive?.close(now: now)
                self.archive = nil
                continuation.resume(returning: summary)
            }
        }
    }
}
