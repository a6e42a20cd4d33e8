import CZlib
import Foundation
import PacketCapture

/// Stores one D4 session (one sensor, one type, one connection) on disk, whatever the cuts between
/// the payload chunks it is given.
///
/// Synchronous and not thread-safe: the server calls it from one thread or task at a time, off the
/// event loop. It is `@unchecked Sendable` only so that it can be handed to that thread or task;
/// the server never calls one session from two places at once (it serializes calls per session),
/// and the only state shared between sessions, `ArchiveOpenFiles`, is locked.
///
/// - Type 1: pcap re-assembled into valid files (whole records only, one global header per file),
///   rotated between records; a stream that is not pcap is kept raw (`.raw`, all bytes from the
///   first) with a problem recorded, never dropped.
/// - Types 3, 4, 6, 8, 254: text stored line-exact, rotated after a newline.
/// - Other types: raw bytes, rotated anywhere.
public final class ArchiveSession: @unchecked Sendable {
    private enum Mode { case pcap, lines, raw }

    public let key: SessionKey
    public let configuration: ArchiveConfiguration
    public private(set) var bytesReceived = 0

    private var mode: Mode
    private let writer: ArchivePartWriter
    private var pcap: PcapRecordFramer
    private var lines = LineFramer()
    private var finalSummary: ArchiveSessionSummary?
    /// The first disk error: after it the session refuses bytes (their place in the file is uncertain).
    private var diskFailure: ArchiveError?

    public init(key: SessionKey, configuration: ArchiveConfiguration, metaHeaderJSON: Data? = nil) throws {
        try configuration.validate()
        self.key = key
        self.configuration = configuration
        let layout = ArchiveLayout(root: configuration.root, key: key)
        switch key.type {
        case 1: mode = .pcap
        case 3, 4, 6, 8, 254: mode = .lines
        default: mode = .raw
        }
        writer = ArchivePartWriter(layout: layout, configuration: configuration,
                                   fileExtension: ArchiveLayout.fileExtension(forType: key.type),
                                   metaHeader: key.type == 254 ? metaHeaderJSON : nil)
        pcap = PcapRecordFramer(recordLimit: configuration.pcapRecordLimit)
        // Surfaces a missing or read-only archive folder when the session starts, not at its first flush.
        try layout.createDirectory(layout.directory(for: key.start))
        if key.type == 254, metaHeaderJSON == nil {
            writer.report(ArchiveProblem(kind: .missingMetaHeader,
                                         message: "type 254 session without a meta header: its files have no .meta.json"))
        }
    }

    /// Problems met so far (the server shows them on the sensor); no bytes were lost to any of them.
    public var problems: [ArchiveProblem] {
        writer.collectCompressionFailures()
        return writer.problems
    }

    /// Files being written now (to spare from retention; also registered in `configuration.openFiles`).
    public var openFiles: [URL] { writer.openFiles }

    /// Stores `bytes`, the next payload bytes of the session, received at `now`.
    /// After an error, the session refuses further bytes (rethrowing it): close it.
    public func append(_ bytes: UnsafeRawBufferPointer, now: Date) throws {
        guard finalSummary == nil else { throw ArchiveError.sessionClosed(path: writer.layout.typeDirectory.path) }
        if let diskFailure { throw diskFailure }
        guard bytes.count > 0 else { return }
        bytesReceived += bytes.count
        try recordingDiskFailure { try store(bytes, now: now) }
    }

    private func store(_ bytes: UnsafeRawBufferPointer, now: Date) throws {
        switch mode {
        case .pcap:
            let outcome = try pcap.append(bytes, now: now, rotationBytes: configuration.rotationBytes, writer: writer)
            if case .notPcap(let reason, let validPrefix) = outcome {
                try keepRaw(because: "\(reason)", rest: UnsafeRawBufferPointer(rebasing: bytes[validPrefix...]), now: now)
            }
        case .lines:
            try lines.append(bytes, now: now, configuration: configuration, writer: writer)
        case .raw:
            try RawFramer.append(bytes, now: now, rotationBytes: configuration.rotationBytes, writer: writer)
        }
    }

    /// Hands every complete record/line received so far to the OS; cheap when there is nothing new.
    public func flush() throws {
        if let diskFailure { throw diskFailure }
        try recordingDiskFailure { try writer.writeCommitted() }
    }

    private func recordingDiskFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ArchiveError {
            diskFailure = error
            throw error
        }
    }

    /// Closes the current file if it is older than the rotation interval and ends at a record/line
    /// boundary — for sessions that went quiet (rotation otherwise happens as data arrive).
    public func rotateIfDue(now: Date) throws {
        guard finalSummary == nil, diskFailure == nil, writer.isTimeDue(now) else { return }
        switch mode {
        case .pcap: guard pcap.isAtRecordBoundary else { return }
        case .lines: guard writer.uncommittedCount == 0 else { return }
        case .raw: break
        }
        try recordingDiskFailure { try writer.finishPart(includeUncommitted: false) }
    }

    /// Writes what is left (a final line without newline, a truncated last record), closes and
    /// compresses the last file. Calling it again returns the same summary.
    ///
    /// After a disk error it only closes the files and returns a summary with a `diskError` problem
    /// saying how many bytes were not stored.
    @discardableResult
    public func close(now: Date) throws -> ArchiveSessionSummary {
        if let finalSummary { return finalSummary }
        guard let ending = beginClose(now: now) else { return closeAfterDiskFailure() }
        writer.settleCompressions()
        return endClose(ending)
    }

    /// `close(now:)` without a thread waiting for the background compressor: the last file is
    /// closed now, and `completion` gets the summary on `queue` (the caller's serial queue for
    /// this session) once the session's files are compressed. A server closing 1,000 sessions at
    /// once would otherwise block 1,000 pool threads behind one low-priority compressor.
    public func close(now: Date, on queue: DispatchQueue, completion: @escaping @Sendable (ArchiveSessionSummary) -> Void) {
        if let finalSummary { return completion(finalSummary) }
        let ending = beginClose(now: now)
        writer.whenCompressionsSettle(on: queue) { [self] in
            completion(ending.map { endClose($0) } ?? closeAfterDiskFailure())
        }
    }

    private func closeAfterDiskFailure() -> ArchiveSessionSummary {
        let dropped = writer.abandonPart()
        writer.settleCompressions()
        writer.report(ArchiveProblem(
            kind: .diskError,
            message: "\(diskFailure.map { "\($0)" } ?? "disk error"): the session stopped storing; up to \(dropped) bytes held in memory and any bytes sent afterwards were not stored (of \(bytesReceived) received)",
            file: writer.files.last))
        let summary = ArchiveSessionSummary(files: writer.files, bytes: bytesReceived,
                                            records: key.type == 1 ? pcap.completeRecords : 0,
                                            lines: mode == .lines ? lines.newlines : 0, problems: writer.problems)
        finalSummary = summary
        return summary
    }

    /// What the summary of a normal close needs from before the last file was closed.
    private struct Ending {
        var endedInsideRecord: Bool
        var partialLine: Bool
        var tailBytes: Int
    }

    /// Writes what is left and closes the last file (its compression is submitted); nil after a
    /// disk error (now or before), when only `closeAfterDiskFailure` applies.
    private func beginClose(now: Date) -> Ending? {
        guard diskFailure == nil else { return nil }
        do {
            var endedInsideRecord = false
            switch mode {
            case .pcap:
                if !pcap.hasGlobalHeader, bytesReceived > 0 {
                    let have = min(bytesReceived, PcapFileHeader.size)
                    try keepRaw(because: "\(PcapFormatError.truncatedFileHeader(have: have))",
                                rest: UnsafeRawBufferPointer(start: nil, count: 0), now: now, kind: .truncatedStream)
                } else if pcap.hasGlobalHeader {
                    endedInsideRecord = !pcap.isAtRecordBoundary
                }
            case .lines, .raw:
                break
            }
            let ending = Ending(endedInsideRecord: endedInsideRecord,
                                partialLine: mode == .lines && writer.uncommittedCount > 0,
                                tailBytes: writer.uncommittedCount)
            try writer.finishPart(includeUncommitted: true)
            return ending
        } catch let error as ArchiveError {
            diskFailure = diskFailure ?? error
        } catch {
            diskFailure = diskFailure ?? .write(path: writer.currentFile?.path ?? key.sensorUUID.uuidString, errno: EIO)
        }
        return nil
    }

    /// The summary once the compressions of the session's files are settled.
    private func endClose(_ ending: Ending) -> ArchiveSessionSummary {
        if ending.endedInsideRecord {
            writer.report(ArchiveProblem(
                kind: .truncatedStream,
                message: "pcap stream ended inside a record: its \(ending.tailBytes) received bytes are kept at the end of \(writer.files.last?.lastPathComponent ?? "the last file") (readers report a truncated last packet)",
                file: writer.files.last))
        }
        let summary = ArchiveSessionSummary(
            files: writer.files, bytes: bytesReceived,
            records: key.type == 1 ? pcap.completeRecords : 0,
            lines: mode == .lines ? lines.newlines + (ending.partialLine ? 1 : 0) : 0,
            problems: writer.problems)
        writer.release()
        finalSummary = summary
        return summary
    }

    /// Switches a type-1 session that is not pcap to a raw file holding every byte of the session
    /// from the first: the pcap files written so far are copied into it (their valid records stay
    /// where they are too), then the bytes not yet stored, then `rest`.
    private func keepRaw(because reason: String, rest: UnsafeRawBufferPointer, now: Date,
                         kind: ArchiveProblem.Kind = .notPcap) throws {
        let pending = writer.takeUncommitted()
        try writer.finishPart(includeUncommitted: false)
        writer.settleCompressions()  // the parts are read back below
        let pcapFiles = writer.files
        let storedAsPcap = bytesReceived - rest.count - pending.count
        mode = .raw
        writer.fileExtension = "raw"
        writer.prologue = []

        for (index, file) in pcapFiles.enumerated() {
            try copyStream(of: file, skipping: index == 0 ? 0 : PcapFileHeader.size, now: now)
        }
        try pending.withUnsafeBytes { raw in try writer.append(raw, complete: true, now: now) }
        try writer.append(rest, complete: true, now: now)
        try writer.writeCommitted()
        let rawName = writer.currentFile?.lastPathComponent ?? "a .raw file"
        var message = "stream is not pcap (\(reason)): kept raw from its first byte, starting with \(rawName) (raw files rotate like the others)"
        if !pcapFiles.isEmpty {
            message += "; the \(pcap.completeRecords) records before byte \(storedAsPcap) also stay in \(pcapFiles.map(\.lastPathComponent).joined(separator: ", "))"
        }
        writer.report(ArchiveProblem(kind: kind, message: message, file: writer.currentFile))
    }

    /// Appends the uncompressed content of a finished part (gzip or plain) to the current part.
    private func copyStream(of file: URL, skipping skip: Int, now: Date) throws {
        guard let gz = gzopen(file.path, "rb") else { throw ArchiveError.read(path: file.path, errno: errno) }
        defer { gzclose(gz) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 * 1024, alignment: 16)
        defer { block.deallocate() }
        var toSkip = skip
        while true {
            let n = Int(gzread(gz, block.baseAddress, UInt32(block.count)))
            if n < 0 { throw ArchiveError.compression(path: file.path, reason: "cannot read back for the raw copy: gzread failed") }
            if n == 0 { break }
            let dropped = min(toSkip, n)
            toSkip -= dropped
            try writer.append(UnsafeRawBufferPointer(rebasing: block[dropped ..< n]), complete: true, now: now)
        }
    }
}
