#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes one session's bytes into a sequence of part files: opens a part lazily when its first
/// bytes are written, closes it on request (the framers decide where: record/line boundaries),
/// then compresses it.
///
/// Framers hand bytes with `complete: true` when they end a record or line (or anywhere, for raw
/// streams); such bytes, and everything staged before them, may reach the file. Bytes with
/// `complete: false` wait in the staging buffer.
final class ArchivePartWriter {
    /// Complete bytes at least this long skip the staging copy and go straight to write(2).
    static let directWriteThreshold = 32 * 1024

    let layout: ArchiveLayout
    let configuration: ArchiveConfiguration
    var fileExtension: String
    /// Bytes written at the start of every part after the first (the pcap global header).
    var prologue: [UInt8] = []
    /// Written beside every part as `<name>.meta.json` (type 254).
    let metaHeader: Data?

    private let staging = StagingBuffer()
    private let compressions = CompressionTracker()
    private var file: ArchiveFile?
    private var metaFile: URL?
    private(set) var partIndex = 0
    /// True from the first byte given to a part until the part is finished.
    private(set) var partActive = false
    private var partOpenedAt = Date.distantPast
    /// Bytes of the current part: written plus staged.
    private(set) var partBytes = 0
    private(set) var files: [URL] = []
    private(set) var problems: [ArchiveProblem] = []

    init(layout: ArchiveLayout, configuration: ArchiveConfiguration, fileExtension: String, metaHeader: Data?) {
        self.layout = layout
        self.configuration = configuration
        self.fileExtension = fileExtension
        self.metaHeader = metaHeader
    }

    deinit {
        // Dropped without close (a bug of the owner or a crash path): keep what is complete.
        if file != nil || staging.committed > 0 { try? writeCommitted() }
        if let file {
            _ = systemClose(file.descriptor)
            configuration.openFiles.remove(file.url)
        }
        if let metaFile { configuration.openFiles.remove(metaFile) }
    }

    var currentFile: URL? { file?.url }
    var openFiles: [URL] { [file?.url, metaFile].compactMap { $0 } }
    var uncommittedCount: Int { staging.uncommitted }

    /// Bytes the current part holds, or will hold once the next part starts (its prologue).
    var projectedPartBytes: Int { partActive ? partBytes : (partIndex >= 1 ? prologue.count : 0) }

    func isTimeDue(_ now: Date) -> Bool {
        partActive && now.timeIntervalSince(partOpenedAt) >= configuration.rotationInterval
    }

    func report(_ problem: ArchiveProblem) { problems.append(problem) }

    func append(_ bytes: UnsafeRawBufferPointer, complete: Bool, now: Date) throws(ArchiveError) {
        guard bytes.count > 0 else {
            if complete { staging.commitAll() }
            return
        }
        beginPartIfNeeded(now: now)
        partBytes += bytes.count
        if complete, bytes.count >= Self.directWriteThreshold {
            // Everything staged precedes these bytes and is completed by them.
            staging.commitAll()
            try writeCommitted()
            try openFileIfNeeded()
            try file!.write(bytes)
            return
        }
        if bytes.count > staging.freeSpace {
            try writeCommitted()
            staging.reserve(staging.count + bytes.count)
        }
        staging.append(bytes)
        if complete { staging.commitAll() }
    }

    /// Hands every committed byte to the OS.
    func writeCommitted() throws(ArchiveError) {
        guard staging.committed > 0 else { return }
        try openFileIfNeeded()
        try file!.write(staging.committedBytes)
        staging.dropCommitted()
    }

    /// Takes the staged bytes that are not complete (they leave the current part).
    func takeUncommitted() -> [UInt8] {
        let tail = staging.takeUncommitted()
        partBytes -= tail.count
        return tail
    }

    /// Closes the current part — with its uncommitted tail when `includeUncommitted` (end of the
    /// session) — syncs it (unless the background compressor will write a synced .gz of it), and
    /// compresses it when configured.
    func finishPart(includeUncommitted: Bool) throws(ArchiveError) {
        guard partActive else { return }
        if includeUncommitted { staging.commitAll() }
        try writeCommitted()
        partActive = false
        partBytes = 0
        guard let closing = file else { return }
        file = nil
        let meta = metaFile
        metaFile = nil
        if let meta { configuration.openFiles.remove(meta) }
        // With a background compressor the durable copy is the .gz it writes and syncs; an fsync here
        // would stall this session's ingest at every rotation (the disk flushes ~100 MB) for nothing.
        let compressedInBackground = configuration.compressClosedFiles && configuration.compressor != nil
        do {
            if !compressedInBackground { try closing.sync() }
        } catch {
            _ = systemClose(closing.descriptor)
            configuration.openFiles.remove(closing.url)
            throw error
        }
        do {
            try closing.close()
        } catch {
            configuration.openFiles.remove(closing.url)
            throw error
        }
        if configuration.compressClosedFiles, let compressor = configuration.compressor {
            // Named by its future `.gz`; a failure puts the original name back (`settleCompressions`).
            files.append(closing.url.appendingPathExtension("gz"))
            compressions.submit(closing.url, slot: files.count - 1, level: configuration.compressionLevel,
                                compressor: compressor, openFiles: configuration.openFiles)
        } else if configuration.compressClosedFiles {
            defer { configuration.openFiles.remove(closing.url) }
            do {
                files.append(try GzipFileCompressor.compress(closing.url, level: configuration.compressionLevel))
            } catch {
                files.append(closing.url)
                reportCompressionFailure(error, file: closing.url)
            }
        } else {
            configuration.openFiles.remove(closing.url)
            files.append(closing.url)
        }
        if let meta { files.append(meta) }
    }

    /// Waits for this session's background compressions; `files` then names what is on disk.
    func settleCompressions() {
        compressions.wait()
        collectCompressionFailures()
    }

    /// Runs `body` on `queue` once this session's background compressions are done (no thread
    /// waits); `files` then names what is on disk.
    func whenCompressionsSettle(on queue: DispatchQueue, _ body: @escaping () -> Void) {
        compressions.notify(queue: queue) { [self] in
            collectCompressionFailures()
            body()
        }
    }

    /// Takes the background failures known so far, without waiting.
    func collectCompressionFailures() {
        for failure in compressions.takeFailures() {
            files[failure.slot] = failure.original
            reportCompressionFailure(failure.error, file: failure.original)
        }
    }

    private func reportCompressionFailure(_ error: ArchiveError, file: URL) {
        report(ArchiveProblem(kind: .compressionFailed, message: "\(error); the file is kept uncompressed", file: file))
    }

    /// Frees the staging memory (the session is closed).
    func release() { staging.release() }

    /// After a disk error: closes the current file as it is (whatever reached it stays, uncompressed)
    /// and drops the staged bytes, which can no longer be placed reliably. Returns how many.
    func abandonPart() -> Int {
        let dropped = staging.count
        staging.release()
        partActive = false
        partBytes = 0
        if let closing = file {
            file = nil
            _ = systemClose(closing.descriptor)
            configuration.openFiles.remove(closing.url)
            files.append(closing.url)
        }
        if let meta = metaFile {
            metaFile = nil
            configuration.openFiles.remove(meta)
            files.append(meta)
        }
        return dropped
    }

    private func beginPartIfNeeded(now: Date) {
        guard !partActive else { return }
        partActive = true
        partIndex += 1
        partOpenedAt = now
        partBytes = 0
        if partIndex > 1, !prologue.isEmpty {
            staging.reserve(staging.count + prologue.count)
            prologue.withUnsafeBytes { staging.append($0) }
            staging.commitAll()
            partBytes = prologue.count
        }
    }

    /// Forces the current part's file into existence (to name it in a problem).
    func openFileIfNeeded() throws(ArchiveError) {
        guard file == nil else { return }
        // The first part lives in the folder of the session start, later ones in the folder of the
        // day they were opened.
        let date = partIndex == 1 ? layout.key.start : partOpenedAt
        let created = try layout.createPart(partIndex, fileExtension: fileExtension, date: date)
        file = created
        configuration.openFiles.insert(created.url)
        if let metaHeader {
            let metaURL = ArchiveLayout.metaURL(forData: created.url)
            let meta = try ArchiveFile.createExclusive(metaURL)
            defer { _ = systemClose(meta.descriptor) }
            do {
                try metaHeader.withUnsafeBytes { raw in try meta.write(raw) }
            } catch let error as ArchiveError {
                throw error
            } catch {
                throw .write(path: metaURL.path, errno: EIO)
            }
            metaFile = metaURL
            configuration.openFiles.insert(metaURL)
        }
    }
}
