import Foundation

/// Stores streams without a known structure (types 2, 5, 7, unknown; type 1 that is not pcap) as
/// they come, rotating by size and time at any byte.
enum RawFramer {
    static func append(_ chunk: UnsafeRawBufferPointer, now: Date, rotationBytes: Int,
                       writer: ArchivePartWriter) throws(ArchiveError) {
        var position = 0
        let n = chunk.count
        while position < n {
            if writer.isTimeDue(now) { try writer.finishPart(includeUncommitted: true) }
            let room = max(rotationBytes - writer.projectedPartBytes, 1)
            let take = min(n - position, room)
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[position ..< position + take]), complete: true, now: now)
            position += take
            if writer.partBytes >= rotationBytes { try writer.finishPart(includeUncommitted: true) }
        }
    }
}
