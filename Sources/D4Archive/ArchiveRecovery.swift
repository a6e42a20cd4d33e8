import Foundation

/// Finishes what a crash (kill -9, power loss) interrupted, run once at server start before any
/// session opens: the files that were open hold whole records/lines only, so they are complete
/// files that were never compressed; a `.gz.partial` is a compression that never finished.
public enum ArchiveRecovery {
    public struct Report: Sendable, Hashable {
        /// Files compressed now (their `.gz` names).
        public var compressed: [URL]
        /// Unfinished compressions removed (their originals were kept and are compressed again).
        public var removedPartials: [URL]
        /// Files that could not be compressed, with the reason; they stay as they are.
        public var failures: [String]
    }

    public static func finishInterruptedWork(configuration: ArchiveConfiguration) throws -> Report {
        var report = Report(compressed: [], removedPartials: [], failures: [])
        let open = configuration.openFiles.paths
        let files = try ArchiveTree.regularFiles(under: configuration.root.standardizedFileURL).map(\.url)
        for url in files.sorted(by: { $0.path < $1.path }) where !open.contains(url.path) {
            let name = url.lastPathComponent
            if name.hasSuffix(".gz.partial") {
                do {
                    try ArchiveFile.remove(url)
                    report.removedPartials.append(url)
                } catch {
                    report.failures.append("\(error)")
                }
                continue
            }
            guard configuration.compressClosedFiles, !name.hasSuffix(".gz"), !name.hasSuffix(".meta.json") else { continue }
            do {
                try ArchiveFile.remove(GzipFileCompressor.partialURL(for: url))
                report.compressed.append(try GzipFileCompressor.compress(url, level: configuration.compressionLevel))
            } catch {
                report.failures.append("\(error)")
            }
        }
        return report
    }
}
