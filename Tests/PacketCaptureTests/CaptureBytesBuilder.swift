import Foundation
import PacketCapture

/// Builds pcap and pcapng byte streams in either byte order for reader tests.
struct CaptureBytesBuilder {
    var bytes: [UInt8] = []
    var bigEndian = false

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    mutating func pad(to multiple: Int) {
        while bytes.count % multiple != 0 { bytes.append(0) }
    }

    // MARK: pcap

    static func pcap(linkType: UInt16, bigEndian: Bool, nanoseconds: Bool, snaplen: UInt32 = 65535,
                     records: [(seconds: UInt32, fraction: UInt32, packet: [UInt8])]) -> [UInt8] {
        var builder = CaptureBytesBuilder(bigEndian: bigEndian)
        builder.append(nanoseconds ? PcapFileHeader.magicNanoseconds : PcapFileHeader.magicMicroseconds)
        builder.append(UInt16(2))
        builder.append(UInt16(4))
        builder.append(UInt32(0))
        builder.append(UInt32(0))
        builder.append(snaplen)
        builder.append(UInt32(linkType))
        for record in records {
            builder.append(record.seconds)
            builder.append(record.fraction)
            builder.append(UInt32(record.packet.count))
            builder.append(UInt32(record.packet.count + 4))
            builder.append(record.packet)
        }
        return builder.bytes
    }

    // MARK: pcapng

    /// A block: type, total length, body padded to 4, total length again.
    mutating func block(type: UInt32, body: [UInt8]) {
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        append(type)
        append(UInt32(12 + padded.count))
        append(padded)
        append(UInt32(12 + padded.count))
    }

    func encoded<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        var inner = CaptureBytesBuilder(bigEndian: bigEndian)
        inner.append(value)
        return inner.bytes
    }

    mutating func sectionHeader() {
        var body = encoded(UInt32(0x1A2B_3C4D))
        body += encoded(UInt16(1)) + encoded(UInt16(0)) + encoded(UInt64.max)  // section length unknown
        block(type: 0x0A0D_0D0A, body: body)
    }

    mutating func interface(linkType: UInt16, snaplen: UInt32 = 0, tsresol: UInt8? = nil, tsoffset: Int64? = nil) {
        var body = encoded(linkType) + encoded(UInt16(0)) + encoded(snaplen)
        if let tsresol {
            body += encoded(UInt16(9)) + encoded(UInt16(1)) + [tsresol, 0, 0, 0]
        }
        if let tsoffset {
            body += encoded(UInt16(14)) + encoded(UInt16(8)) + encoded(UInt64(bitPattern: tsoffset))
        }
        body += encoded(UInt16(0)) + encoded(UInt16(0))  // opt_endofopt
        block(type: 1, body: body)
    }

    mutating func enhancedPacket(interface: UInt32, timestamp: UInt64, packet: [UInt8], originalLength: Int? = nil) {
        var body = encoded(interface) + encoded(UInt32(truncatingIfNeeded: timestamp >> 32))
        body += encoded(UInt32(truncatingIfNeeded: timestamp)) + encoded(UInt32(packet.count))
        body += encoded(UInt32(originalLength ?? packet.count)) + packet
        while body.count % 4 != 0 { body.append(0) }
        body += encoded(UInt16(1)) + encoded(UInt16(4)) + Array("note".utf8)  // opt_comment, then end
        body += encoded(UInt16(0)) + encoded(UInt16(0))
        block(type: 6, body: body)
    }

    mutating func obsoletePacket(interface: UInt16, timestamp: UInt64, packet: [UInt8]) {
        var body = encoded(interface) + encoded(UInt16(0)) + encoded(UInt32(truncatingIfNeeded: timestamp >> 32))
        body += encoded(UInt32(truncatingIfNeeded: timestamp)) + encoded(UInt32(packet.count))
        body += encoded(UInt32(packet.count)) + packet
        block(type: 2, body: body)
    }

    mutating func simplePacket(packet: [UInt8]) {
        block(type: 3, body: encoded(UInt32(packet.count)) + packet)
    }
}

/// Files and gzip for reader tests.
enum TestFiles {
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Compresses with the `gzip` command (a second, independent implementation of the format).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = try write(bytes, name: "gzip-input-\(UUID().uuidString)")
        let outputPath = input + ".gz"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", "-9", input]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: outputPath)))
    }

    /// Every record as plain values, for comparing readers.
    struct Record: Hashable {
        var seconds: Int64
        var nanoseconds: UInt32
        var originalLength: Int
        var linkType: UInt16
        var interfaceIndex: Int
        var bytes: [UInt8]

        init(_ record: CaptureRecord) {
            seconds = record.timestampSeconds
            nanoseconds = record.timestampNanoseconds
            originalLength = record.originalLength
            linkType = record.linkType
            interfaceIndex = record.interfaceIndex
            bytes = Array(record.bytes)
        }
    }

    static func records(path: String) throws -> ([Record], CaptureReadSummary) {
        var reader = try CaptureFileReader(path: path)
        var out: [Record] = []
        let summary = try reader.forEachRecord { out.append(Record($0)) }
        return (out, summary)
    }

    static func records(bytes: [UInt8]) throws -> ([Record], CaptureReadSummary) {
        var reader = try CaptureFileReader(bytes: bytes)
        var out: [Record] = []
        let summary = try reader.forEachRecord { out.append(Record($0)) }
        return (out, summary)
    }

    /// Feeds `bytes` to a stream reader in chunks of the given sizes (cycled).
    static func streamRecords(_ bytes: [UInt8], chunkSizes: [Int]) throws -> ([Record], CaptureReadSummary) {
        var reader = PcapStreamReader()
        var out: [Record] = []
        var position = 0
        var turn = 0
        try bytes.withUnsafeBytes { raw in
            while position < raw.count {
                let end = min(raw.count, position + max(1, chunkSizes[turn % chunkSizes.count]))
                try reader.feed(UnsafeRawBufferPointer(rebasing: raw[position ..< end])) { out.append(Record($0)) }
                position = end
                turn += 1
            }
        }
        return (out, reader.finish())
    }
}
