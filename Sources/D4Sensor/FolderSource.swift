import Foundation

/// Sends each new file appearing in a folder once, in order of modification time, and remembers what
/// it sent in a state file so a restart does not send anything twice.
///
/// A file is taken once its size stayed the same over one poll interval (still being written
/// otherwise). Hidden files (starting with '.') are ignored.
public final class FolderSource: ByteSource {
    private let folder: URL
    private let stateFile: URL
    private let pollInterval: Double
    private let stop: StopSignal
    private let mergePcapFiles: Bool
    private var sent: Set<String>
    private var lastSizes: [String: Int] = [:]
    private var current: FileSequenceSource?
    private var startedAny = false

    public init(folder: String, stateFile: URL, pollInterval: Double = 1.0, mergePcapFiles: Bool, stop: StopSignal) throws {
        self.folder = URL(fileURLWithPath: folder)
        self.stateFile = stateFile
        self.pollInterval = pollInterval
        self.mergePcapFiles = mergePcapFiles
        self.stop = stop
        let recorded = (try? String(contentsOf: stateFile, encoding: .utf8)) ?? ""
        sent = Set(recorded.split(separator: "\n").map(String.init))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead {
        while true {
            // A batch is finished even when a stop is asked: a half-sent file would be sent again.
            if let source = current {
                let outcome = try source.read(into: buffer)
                if outcome != .endOfInput { return outcome }
                current = nil
                continue
            }
            guard !stop.isStopped else { return .endOfInput }
            let ready = try readyFiles()
            if ready.isEmpty {
                Thread.sleep(forTimeInterval: pollInterval)
                continue
            }
            // Each batch of files is one FileSequenceSource; pcap headers merge within and across
            // batches only through a session break, which keeps every stream valid.
            let source = try FileSequenceSource(paths: ready.map { folder.appendingPathComponent($0).path },
                                                mergePcapFiles: mergePcapFiles)
            source.onFileCompleted = { [weak self] path in self?.markSent((path as NSString).lastPathComponent) }
            current = source
            if startedAny, mergePcapFiles { return .endOfSession }
            startedAny = true
        }
    }

    private func readyFiles() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw SourceError(path: folder.path, reason: "cannot list folder (\(error.localizedDescription))")
        }
        var candidates: [(name: String, modified: Date)] = []
        for name in names where !name.hasPrefix(".") && !sent.contains(name) {
            let path = folder.appendingPathComponent(name).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            defer { lastSizes[name] = size }
            guard lastSizes[name] == size else { continue }  // still growing, or first sight
            candidates.append((name, attributes[.modificationDate] as? Date ?? .distantPast))
        }
        return candidates.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }.map(\.name)
    }

    private func markSent(_ name: String) {
        sent.insert(name)
        lastSizes[name] = nil
        let line = Data((name + "\n").utf8)
        if let handle = try? FileHandle(forWritingTo: stateFile) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        } else {
            try? FileManager.default.createDirectory(at: stateFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? line.write(to: stateFile)
        }
    }
}
