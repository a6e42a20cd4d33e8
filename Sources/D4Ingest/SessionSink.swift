import D4Archive
import D4Protocol
import Dispatch
import Foundation
import NIOCore
import Synchronization

/// Carries one connection's accepted payloads to its archive session off the event loop, on a serial
/// queue of its own, and tells the connection how much is still waiting so it can stop reading the
/// socket when the disk falls behind (backpressure instead of unbounded memory).
///
/// Payloads arrive in batches (all frames decoded from one socket read): one hop to the queue per
/// batch, not per frame.
///
/// Frames that only the archive consumes may arrive with their HMAC not yet checked
/// (`SinkFrame.needsAuthentication`): the sink checks it here, before storing, so one sensor's stream
/// uses a second core for HMAC-SHA256 (43% of the event loop's time at 64 KiB frames). The first
/// bad frame stops the session: nothing from it on is stored, and the connection is closed.
final class SessionSink: @unchecked Sendable {
    // `archive` and `failed` are only touched on `queue`; the counters are atomics.
    let key: SessionKey
    private let queue: DispatchQueue
    private var archive: ArchiveSession?
    private var failed = false
    private let waitingBytes = Atomic<Int>(0)
    private let waitingFrames = Atomic<Int>(0)
    /// While the connection is paused: `onDrained` runs once the backlog falls under this; 0 = not armed.
    private let resumeBelow = Atomic<Int>(0)
    private let onFailure: @Sendable (CloseReason) -> Void
    private let onDrained: @Sendable () -> Void
    /// Checks the frames handed over with `needsAuthentication`.
    private let signer: FrameSigner?

    /// Opens the archive session (on the sink's queue). `onFailure` runs there when the disk fails
    /// or a frame's HMAC is wrong; `onDrained` when the backlog falls under the mark given to
    /// `armResume(below:)`.
    init(key: SessionKey, configuration: ArchiveConfiguration, metaHeaderJSON: Data?, signer: FrameSigner?,
         onFailure: @escaping @Sendable (CloseReason) -> Void, onDrained: @escaping @Sendable () -> Void) {
        self.key = key
        self.signer = signer
        self.onFailure = onFailure
        self.onDrained = onDrained
        // The global queue's pool is sized to the cores (growing when threads block in I/O): with
        // 1,000 sessions, a queue of each targeting the default overcommit pool would start a thread each.
        self.queue = DispatchQueue(label: "d4.archive.\(key.sensorUUID.compactHex).\(key.sessionID)", target: .global())
        queue.async {
            do {
                self.archive = try ArchiveSession(key: key, configuration: configuration, metaHeaderJSON: metaHeaderJSON)
            } catch {
                self.failed = true
                onFailure(.archiveFailed("\(error)"))
            }
        }
    }

    var backlogFrames: Int { waitingFrames.load(ordering: .relaxed) }
    var backlogBytes: Int { waitingBytes.load(ordering: .relaxed) }

    /// Queues frames (in order) whose payloads hold `bytes` bytes in total, received at `now`.
    func append(_ frames: [SinkFrame], bytes: Int, now: Date) {
        guard !frames.isEmpty else { return }
        waitingBytes.add(bytes, ordering: .relaxed)
        waitingFrames.add(frames.count, ordering: .relaxed)
        queue.async {
            for frame in frames {
                guard !self.failed, let archive = self.archive else { break }
                // No signer for a frame to check: refuse it.
                if frame.needsAuthentication, !(self.signer.map { frame.frame.isAuthentic(with: $0) } ?? false) {
                    self.failed = true
                    self.onFailure(.authenticationFailed)
                    break
                }
                do {
                    try frame.frame.payload.withUnsafeReadableBytes { try archive.append($0, now: now) }
                } catch {
                    self.failed = true
                    self.onFailure(.archiveFailed("\(error)"))
                }
            }
            let left = self.waitingBytes.subtract(bytes, ordering: .relaxed).newValue
            self.waitingFrames.subtract(frames.count, ordering: .relaxed)
            self.resumeIfDrained(left: left)
        }
    }

    /// Asks for `onDrained` once the backlog is under `mark`. Returns false when it already is (the
    /// caller need not pause), true when `onDrained` will run.
    func armResume(below mark: Int) -> Bool {
        resumeBelow.store(mark, ordering: .sequentiallyConsistent)
        guard waitingBytes.load(ordering: .sequentiallyConsistent) < mark else { return true }
        // Drained meanwhile: disarm, unless the queue did already (then it calls `onDrained`).
        return !resumeBelow.compareExchange(expected: mark, desired: 0, ordering: .sequentiallyConsistent).exchanged
    }

    private func resumeIfDrained(left: Int) {
        let mark = resumeBelow.load(ordering: .sequentiallyConsistent)
        guard mark > 0, left < mark,
              resumeBelow.compareExchange(expected: mark, desired: 0, ordering: .sequentiallyConsistent).exchanged else { return }
        onDrained()
    }

    /// Periodic work: data to the OS (no 10-second polling), time-based rotation of quiet files.
    func tick(now: Date) {
        queue.async {
            guard !self.failed, let archive = self.archive else { return }
            try? archive.flush()
            try? archive.rotateIfDue(now: now)
        }
    }

    /// Writes what is queued, closes the files and returns the summary once they are compressed.
    /// No thread waits for the compressor meanwhile (it may be far behind after a burst).
    func close(now: Date) async -> ArchiveSessionSummary? {
        await withCheckedContinuation { continuation in
            queue.async {
                guard let archive = self.archive else { return continuation.resume(returning: nil) }
                self.archive = nil
                archive.close(now: now, on: self.queue) { continuation.resume(returning: $0) }
            }
        }
    }
}
