import CSystemShims
import Foundation

/// Compresses closed files one at a time, on a background thread of its own that runs only on idle
/// CPU, shared by the sessions of a server.
///
/// gzip takes seconds of CPU per 100 MB of pcap; done inline, each rotation would stall its
/// session's ingest that long. Done at normal priority, it took a third of this 2-core machine
/// from ingest during a burst (measured: 0.56 core at 364 MB/s). Compression can wait and ingest
/// cannot (a sensor that is not read spools or drops), so the thread runs under SCHED_IDLE (nice 19
/// where that is refused; nice 19 alone still took a share): under a sustained overload the closed
/// files stay valid plain pcap until it catches up. One thread also keeps compression from taking
/// every core when many sessions rotate together.
public final class ArchiveCompressor: @unchecked Sendable {
    // @unchecked: `jobs`, `pending` and `workerRunning` are only touched under `condition`.
    private struct Job {
        var file: URL
        var level: Int32
        var completion: @Sendable (Result<URL, ArchiveError>) -> Void
    }

    /// The nice value of the compression thread (19 = the lowest priority), if SCHED_IDLE is refused.
    private static let niceness: Int32 = 19

    private let label: String
    private let condition = NSCondition()
    private var jobs: [Job] = []
    /// Submitted and not yet finished (queued or being compressed).
    private var pending = 0
    private var workerRunning = false

    public init(label: String = "d4.archive.compressor") {
        self.label = label
    }

    /// Waits until every file submitted so far is compressed (shutdown, tests).
    public func waitUntilIdle() {
        condition.lock()
        while pending > 0 { condition.wait() }
        condition.unlock()
    }

    func submit(_ file: URL, level: Int32, completion: @escaping @Sendable (Result<URL, ArchiveError>) -> Void) {
        condition.lock()
        jobs.append(Job(file: file, level: level, completion: completion))
        pending += 1
        // The thread lives while there is work: an idle server (or a test's compressor) keeps none.
        let start = !workerRunning
        workerRunning = true
        condition.unlock()
        if start {
            let thread = Thread { [self] in work() }
            thread.name = label
            thread.start()
        }
    }

    private func work() {
        _ = d4_lower_current_thread_priority(Self.niceness)
        while let job = nextJob() {
            let result: Result<URL, ArchiveError>
            do throws(ArchiveError) {
                result = .success(try GzipFileCompressor.compress(job.file, level: job.level))
            } catch {
                result = .failure(error)
            }
            job.completion(result)
            condition.lock()
            pending -= 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The oldest queued job, or nil after marking the worker stopped when there is none.
    private func nextJob() -> Job? {
        condition.lock(); defer { condition.unlock() }
        guard !jobs.isEmpty else {
            workerRunning = false
            return nil
        }
        return jobs.removeFirst()
    }
}
