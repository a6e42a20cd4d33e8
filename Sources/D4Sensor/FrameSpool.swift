import D4Protocol
import Foundation
import NIOCore

/// A bounded on-disk queue of frames kept while the server is unreachable, replayed in order after
/// reconnecting — and after a restart of the sensor, since it lives on disk.
///
/// Layout: segment files `NNNNNNNNNNNNNNNN.seg` of length-prefixed records, and a `cursor` file with
/// the read position in the oldest segment (so frames already sent are not sent again after a restart).
public final class FrameSpool {
    public enum FullPolicy: String, Sendable, CaseIterable {
        /// Stop taking frames: the source is paused until the server is back.
        case block
        /// Delete the oldest segment to make room; every frame deleted is counted.
        case dropOldest = "drop-oldest"
    }

    public let directory: URL
    public let maximumBytes: Int
    public let policy: FullPolicy
    public static let segmentBytes = 8 << 20

    public private(set) var frameCount = 0
    public private(set) var byteCount = 0
    public private(set) var droppedFrames = 0

    private var segments: [UInt64] = []
    private var readOffset = 0
    private var writeDescriptor: Int32 = -1
    private var writeSegmentBytes = 0
    private var cachedHead: (frame: OutgoingFrame, length: Int)?

    public init(directory: URL, maximumBytes: Int, policy: FullPolicy) throws {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.policy = policy
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        segments = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .compactMap { $0.hasSuffix(".seg") ? UInt64($0.dropLast(4)) : nil }.sorted()
        if let cursor = try? String(contentsOf: cursorURL, encoding: .utf8),
           let parts = Optional(cursor.split(separator: " ")), parts.count == 2,
           let segment = UInt64(parts[0]), let offset = Int(parts[1]), segments.first == segment {
            readOffset = offset
        }
        for segment in segments { (frameCount, byteCount) = try countRecords(segment, adding: (frameCount, byteCount)) }
    }

    deinit { if writeDescriptor >= 0 { close(writeDescriptor) } }

    public var isEmpty: Bool { frameCount == 0 }
    public var isFull: Bool { byteCount >= maximumBytes }

    /// Adds a frame at the end. With the block policy and a full spool it returns false and keeps
    /// nothing (the caller waits); with drop-oldest it makes room first.
    @discardableResult
    public func append(_ frame: OutgoingFrame) throws -> Bool {
        let record = Self.encode(frame)
        while byteCount + record.count > maximumBytes, !segments.isEmpty {
            guard policy == .dropOldest else { return false }
            try dropOldestSegment()
        }
        if writeDescriptor < 0 || writeSegmentBytes >= Self.segmentBytes { try startSegment() }
        try record.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(writeDescriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw SourceError(path: directory.path, errno: errno) }
                written += count
            }
        }
        writeSegmentBytes += record.count
        frameCount += 1
        byteCount += record.count
        return true
    }

    /// The oldest frame, without removing it.
    public func peek() throws -> OutgoingFrame? {
        if let cachedHead { return cachedHead.frame }
        while let segment = segments.first {
            if let (frame, length) = try readRecord(segment, at: readOffset) {
                cachedHead = (frame, length)
                return frame
            }
            // Segment exhausted (or ends in a record cut by a crash): move on, unless it is being written.
            if segment == segments.last, writeDescriptor >= 0 { return nil }
            try removeSegment(segment)
        }
        return nil
    }

    /// Removes the frame `peek` returned (it reached the server).
    public func removeFirst() throws {
        if cachedHead == nil { _ = try peek() }
        guard let head = cachedHead else { return }
        cachedHead = nil
        readOffset += head.length
        frameCount -= 1
        byteCount -= head.length
        try? "\(segments[0]) \(readOffset)".write(to: cursorURL, atomically: false, encoding: .utf8)
    }

    // MARK: records

    // Record: u32 length of the rest, u8 kind, u8 type, u64 timestamp, u8 flags, i32 first record
    // offset, [24-byte pcap header if flags bit 1], payload.
    static func encode(_ frame: OutgoingFrame) -> [UInt8] {
        var out: [UInt8] = []
        let headerLength = frame.pcapHeader?.count == 24 ? 24 : 0
        let bodyLength = 1 + 1 + 8 + 1 + 4 + headerLength + frame.payload.readableBytes
        out.reserveCapacity(4 + bodyLength)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        append(UInt32(bodyLength))
        out.append(frame.kind.rawValue)
        out.append(frame.type.rawValue)
        append(frame.timestamp)
        out.append((frame.startsAtRecord ? 1 : 0) | (headerLength > 0 ? 2 : 0))
        append(Int32(frame.firstRecordOffset ?? -1))
        if headerLength > 0 { out.append(contentsOf: frame.pcapHeader!) }
        out.append(contentsOf: frame.payload.readableBytesView)
        return out
    }

    private func readRecord(_ segment: UInt64, at offset: Int) throws -> (OutgoingFrame, Int)? {
        let fd = open(segmentURL(segment).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var lengthBytes = [UInt8](repeating: 0, count: 4)
        guard pread(fd, &lengthBytes, 4, off_t(offset)) == 4 else { return nil }
        let length = Int(UInt32(lengthBytes[0]) | UInt32(lengthBytes[1]) << 8 | UInt32(lengthBytes[2]) << 16 | UInt32(lengthBytes[3]) << 24)
        guard length >= 15, length <= 70_000 + 64 else { return nil }
        var body = [UInt8](repeating: 0, count: length)
        guard pread(fd, &body, length, off_t(offset + 4)) == length else { return nil }
        func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            body.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
        }
        guard let kind = OutgoingFrame.Kind(rawValue: body[0]) else { return nil }
        let flags = body[10]
        let first = Int(load(11, Int32.self))
        var payloadStart = 15
        var pcapHeader: [UInt8]?
        if flags & 2 != 0 {
            pcapHeader = Array(body[15 ..< 39])
            payloadStart = 39
        }
        let frame = OutgoingFrame(kind: kind, type: FrameType(body[1]), timestamp: load(2, UInt64.self),
                                  payload: ByteBuffer(bytes: body[payloadStart...]), startsAtRecord: flags & 1 != 0,
                                  firstRecordOffset: first >= 0 ? first : nil, pcapHeader: pcapHeader)
        return (frame, 4 + length)
    }

    private func countRecords(_ segment: UInt64, adding totals: (Int, Int)) throws -> (Int, Int) {
        var (frames, bytes) = totals
        var offset = segment == segments.first ? readOffset : 0
        while let (_, length) = try readRecord(segment, at: offset) {
            frames += 1
            bytes += length
            offset += length
        }
        return (frames, bytes)
    }

    // MARK: segments

    private var cursorURL: URL { directory.appendingPathComponent("cursor") }
    private func segmentURL(_ id: UInt64) -> URL {
        let digits = String(id)
        return directory.appendingPathComponent(String(repeating: "0", count: max(0, 16 - digits.count)) + digits + ".seg")
    }

    private func startSegment() throws {
        if writeDescriptor >= 0 { close(writeDescriptor) }
        let id = (segments.last ?? 0) + 1
        let fd = open(segmentURL(id).path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SourceError(path: segmentURL(id).path, errno: errno) }
        writeDescriptor = fd
        writeSegmentBytes = 0
        segments.append(id)
    }

    private func dropOldestSegment() throws {
        guard let oldest = segments.first else { return }
        let (frames, bytes) = try countRecords(oldest, adding: (0, 0))
        droppedFrames += frames
        frameCount -= frames
        byteCount -= bytes
        if oldest == segments.last, writeDescriptor >= 0 {
            close(writeDescriptor)
            writeDescriptor = -1
        }
        try removeSegment(oldest)
    }

    private func removeSegment(_ id: UInt64) throws {
        try? FileManager.default.removeItem(at: segmentURL(id))
        segments.removeFirst()
        readOffset = 0
        cachedHead = nil
        try? FileManager.default.removeItem(at: cursorURL)
    }
}
