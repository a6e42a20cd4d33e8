#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Cuts text streams (types 3, 4, 6, 8, 254) at line ends for the part writer: a line split across
/// frames is stored once and whole (reference defect 5), files rotate only after a newline, and the
/// stored files concatenated equal the stream exactly.
struct LineFramer {
    private static let newline: Int32 = 0x0A

    /// Newline bytes seen.
    private(set) var newlines = 0
    private var longLineReported = false

    mutating func append(_ chunk: UnsafeRawBufferPointer, now: Date, configuration: ArchiveConfiguration,
                         writer: ArchivePartWriter) throws(ArchiveError) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        let n = chunk.count
        newlines += Self.countNewlines(chunk)

        // Close the part after the first line end at which it is full or old.
        var position = 0
        while position < n {
            let need = writer.isTimeDue(now) ? 1 : max(configuration.rotationBytes - writer.projectedPartBytes, 1)
            guard need <= n - position else { break }
            let from = position + need - 1
            guard let hit = memchr(base + from, Self.newline, n - from) else { break }
            let end = UnsafeRawPointer(hit) - base + 1
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< end]), complete: true, now: now)
            try writer.finishPart(includeUncommitted: false)
            position = end
        }
        guard position < n else { return }

        if let lastNewline = Self.lastNewline(in: chunk, from: position) {
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ... lastNewline]), complete: true, now: now)
            position = lastNewline + 1
        }
        let tail = n - position
        guard tail > 0 else { return }
        let tooLong = writer.uncommittedCount + tail > configuration.maxPendingLineBytes
        try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< n]), complete: tooLong, now: now)
        if tooLong, !longLineReported {
            longLineReported = true
            writer.report(ArchiveProblem(
                kind: .lineTooLong,
                message: "a line longer than \(configuration.maxPendingLineBytes) bytes: written out in pieces as it arrived (the stored bytes still equal the stream; the file may rotate inside such a line only at a newline)",
                file: writer.currentFile))
        }
    }

    static func countNewlines(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard let base = chunk.baseAddress else { return 0 }
        var count = 0
        var position = 0
        let n = chunk.count
        while position < n, let hit = memchr(base + position, newline, n - position) {
            count += 1
            position = UnsafeRawPointer(hit) - base + 1
        }
        return count
    }

    static func lastNewline(in chunk: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = chunk.count - 1
        while i >= start {
            if chunk[i] == 0x0A { return i }
            i -= 1
        }
        return nil
    }
}
