import Dispatch
import Foundation

/// Compresses closed files one at a time on a background queue shared by the sessions of a server.
///
/// gzip at the default level takes seconds of CPU per 100 MB of pcap (about 7 s for small-packet
/// floods here); done inline, each rotation would stall its session's ingest that long. A single
/// serial queue also keeps compression from taking every core when many sessions rotate together.
public final class ArchiveCompressor: @unchecked Sendable {
    // @unchecked: the queue and group are thread-safe; nothing else is stored.
    private let queue: DispatchQueue
    private let group = DispatchGroup()

    public init(label: String = "d4.archive.compressor") {
        queue = DispatchQueue(label: label, qos: .utility)
    }

    /// Waits until every file submitted so far is compressed (shutdown, tests).
    public func waitUntilIdle() {
        group.wait()
    }

    func submit(_ file: URL, level: Int32, completion: @escaping @Sendable (Result<URL, ArchiveError>) -> Void) {
        queue.async(group: group) {
            do throws(ArchiveError) {
                completion(.success(try GzipFileCompressor.compress(file, level: level)))
            } catch {
                completion(.failure(error))
            }
        }
    }
}
