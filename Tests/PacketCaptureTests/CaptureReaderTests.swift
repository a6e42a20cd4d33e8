import D4TestSupport
import Foundation
import PacketCapture
import XCTest

final class CaptureReaderTests: XCTestCase {
    let packets: [[UInt8]] = [
        Array(repeating: 0xAB, count: 60),
        [],
        (0 ..< 1514).map { UInt8(truncatingIfNeeded: $0) },
    ]

    func pcapRecords() -> [(seconds: UInt32, fraction: UInt32, packet: [UInt8])] {
        packets.enumerated().map { (UInt32(1_700_000_000 + $0.offset), UInt32(123_456 + $0.offset), $0.element) }
    }

    func testPcapMicrosecondsAndNanosecondsInBothByteOrders() throws {
        for bigEndian in [false, true] {
            for nanoseconds in [false, true] {
                let bytes = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: bigEndian, nanoseconds: nanoseconds,
                                                     records: pcapRecords())
                let path = try TestFiles.write(bytes, name: "variant-\(bigEndian)-\(nanoseconds).pcap")
                let (records, summary) = try TestFiles.records(path: path)
                let variant = "bigEndian \(bigEndian), ns \(nanoseconds)"
                XCTAssertEqual(summary.format, .pcap(resolution: nanoseconds ? .nanoseconds : .microseconds,
                                                     byteSwapped: bigEndian), variant)
                XCTAssertTrue(summary.isComplete, variant)
                XCTAssertFalse(summary.isGzipCompressed)
                XCTAssertEqual(summary.byteCount, bytes.count)
                XCTAssertEqual(summary.linkTypes, [1])
                XCTAssertEqual(records.map(\.bytes), packets, variant)
                XCTAssertEqual(records.map(\.seconds), [1_700_000_000, 1_700_000_001, 1_700_000_002], variant)
                let fractions: [UInt32] = [123_456, 123_457, 123_458]
                XCTAssertEqual(records.map(\.nanoseconds), nanoseconds ? fractions : fractions.map { $0 * 1000 }, variant)
                XCTAssertEqual(records.map(\.originalLength), packets.map { $0.count + 4 }, variant)
                XCTAssertEqual(records.map(\.linkType), [1, 1, 1])
            }
        }
    }

    /// Two sections of opposite byte orders; interfaces of different link types and resolutions.
    func multiInterfacePcapng() -> [UInt8] {
        var first = CaptureBytesBuilder(bigEndian: false)
        first.sectionHeader()
        first.interface(linkType: LinkType.ethernet)                                  // µs by default
        first.interface(linkType: LinkType.raw, snaplen: 65535, tsresol: 9)           // ns
        first.interface(linkType: LinkType.linuxSLL, tsresol: 0x80 | 20, tsoffset: 100)  // 2^-20 s, +100 s
        first.enhancedPacket(interface: 0, timestamp: 1_700_000_000_123_456, packet: packets[0])
        first.block(type: 5, body: Array(repeating: 0, count: 20))                    // statistics: skipped
        first.enhancedPacket(interface: 1, timestamp: 1_700_000_000_987_654_321, packet: packets[2], originalLength: 9000)
        first.block(type: 0x0000_0BAD, body: Array("custom".utf8))                    // custom: skipped
        first.enhancedPacket(interface: 2, timestamp: (5 << 20) | (1 << 19), packet: packets[1])  // 5.5 s
        first.simplePacket(packet: packets[0])
        first.obsoletePacket(interface: 1, timestamp: 2_000_000_001, packet: packets[0])
        var second = CaptureBytesBuilder(bigEndian: true)
        second.sectionHeader()
        second.interface(linkType: LinkType.ipv6, tsresol: 3)                         // ms
        second.enhancedPacket(interface: 0, timestamp: 42_123, packet: packets[2])
        return first.bytes + second.bytes
    }

    func testPcapngWithSeveralInterfacesResolutionsAndSections() throws {
        let bytes = multiInterfacePcapng()
        let path = try TestFiles.write(bytes, name: "multi.pcapng")
        let (records, summary) = try TestFiles.records(path: path)
        XCTAssertEqual(summary.format, .pcapng)
        XCTAssertTrue(summary.isComplete, String(describing: summary.endIssue))
        XCTAssertEqual(summary.recordCount, 6)
        XCTAssertEqual(summary.skippedBlockCount, 2)
        XCTAssertEqual(summary.byteCount, bytes.count)
        XCTAssertEqual(summary.linkTypes, [LinkType.ethernet, LinkType.raw, LinkType.linuxSLL, LinkType.ipv6])
        XCTAssertEqual(records.count, 6)
        guard records.count == 6 else { return }
        XCTAssertEqual(records.map(\.linkType), [1, 101, 113, 1, 101, 229])
        XCTAssertEqual(records.map(\.interfaceIndex), [0, 1, 2, 0, 1, 0])
        XCTAssertEqual(records.map(\.bytes), [packets[0], packets[2], packets[1], packets[0], packets[0], packets[2]])
        XCTAssertEqual(records[0].seconds, 1_700_000_000)
        XCTAssertEqual(records[0].nanoseconds, 123_456_000)
        XCTAssertEqual(records[1].seconds, 1_700_000_000)
        XCTAssertEqual(records[1].nanoseconds, 987_654_321)
        XCTAssertEqual(records[1].originalLength, 9000)
        XCTAssertEqual(records[2].seconds, 105)
        XCTAssertEqual(records[2].nanoseconds, 500_000_000)
        XCTAssertEqual(records[3].originalLength, packets[0].count)  // simple packet block: no timestamp
        XCTAssertEqual(records[4].seconds, 2)                         // obsolete packet block, ns interface
        XCTAssertEqual(records[4].nanoseconds, 1)
        XCTAssertEqual(records[5].seconds, 42)                        // big-endian section, ms interface
        XCTAssertEqual(records[5].nanoseconds, 123_000_000)
    }

    func testGzipInputGivesTheSameRecordsAsPlainInput() throws {
        let pcap = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: true, nanoseconds: false, records: pcapRecords())
        for (name, plain) in [("pcap", pcap), ("pcapng", multiInterfacePcapng())] {
            let compressed = try TestFiles.gzip(plain)
            XCTAssertEqual(Array(compressed.prefix(2)), [0x1F, 0x8B])
            let (expected, plainSummary) = try TestFiles.records(bytes: plain)
            let (fromFile, summary) = try TestFiles.records(path: try TestFiles.write(compressed, name: "\(name).gz"))
            XCTAssertTrue(summary.isGzipCompressed, name)
            XCTAssertTrue(summary.isComplete, "\(name): \(String(describing: summary.endIssue))")
            XCTAssertEqual(fromFile, expected, name)
            XCTAssertEqual(summary.byteCount, plainSummary.byteCount, name)
            let (fromMemory, _) = try TestFiles.records(bytes: compressed)
            XCTAssertEqual(fromMemory, expected, name)
            // Concatenated members (`cat a.gz b.gz`) continue the same capture.
            let half = plain.count / 2
            let twoMembers = try TestFiles.gzip(Array(plain[..<half])) + TestFiles.gzip(Array(plain[half...]))
            XCTAssertEqual(try TestFiles.records(bytes: twoMembers).0, expected, name)
        }
    }

    func testLargeGzipCaptureIsInflatedInBoundedBlocks() throws {
        // 5,000 records of 1,514 bytes: 7.6 MB decompressed, read through the 1 MiB buffer in many refills.
        let packet = (0 ..< 1514).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        for i in 0 ..< 5000 { writer.append(seconds: UInt32(i), fraction: 0, packet: packet) }
        let plain = writer.bytes
        let path = try TestFiles.write(try TestFiles.gzip(plain), name: "large.pcap.gz")
        var reader = try CaptureFileReader(path: path)
        var count = 0
        var allIntact = true
        let summary = try reader.forEachRecord { record in
            if record.timestampSeconds != Int64(count) || !record.bytes.elementsEqual(packet) { allIntact = false }
            count += 1
        }
        XCTAssertEqual(count, 5000)
        XCTAssertTrue(allIntact)
        XCTAssertEqual(summary.byteCount, plain.count)
        XCTAssertTrue(summary.isComplete)
    }

    func testTruncatedGzipIsReportedAfterTheRecordsBeforeIt() throws {
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        for i in 0 ..< 2000 { writer.append(seconds: UInt32(i), fraction: 0, packet: (0 ..< 200).map { UInt8(truncatingIfNeeded: $0 ^ i) }) }
        let compressed = try TestFiles.gzip(writer.bytes)
        let (records, summary) = try TestFiles.records(bytes: Array(compressed.prefix(compressed.count * 2 / 3)))
        XCTAssertGreaterThan(records.count, 0)
        XCTAssertLessThan(records.count, 2000)
        XCTAssertEqual(summary.endIssue, .gzipTruncated)
    }

    func testStreamReaderMatchesFileReaderWhateverTheChunking() throws {
        var inputs: [(String, [UInt8])] = [
            ("pcapng", multiInterfacePcapng()),
            ("pcap-be", CaptureBytesBuilder.pcap(linkType: 1, bigEndian: true, nanoseconds: true, records: pcapRecords())),
        ]
        for file in ["data/tcpdump-tests/ipv6-routing-header.pcap", "data/tcpdump-tests/of13_ericsson.pcapng",
                     "data/ddos/amp.TCP.reflection.SYNACK.pcap"] where FileManager.default.fileExists(atPath: SharedData.path(file)) {
            inputs.append((file, [UInt8](try Data(contentsOf: URL(fileURLWithPath: SharedData.path(file))))))
        }
        var generator = SplitMix64(seed: 0xD4)
        for (name, bytes) in inputs {
            let (expected, fileSummary) = try TestFiles.records(bytes: bytes)
            XCTAssertGreaterThan(expected.count, 0, name)
            var chunkings: [[Int]] = [[4096], (0 ..< 64).map { _ in Int(generator.next() % 3000) + 1 }]
            if bytes.count < 100_000 { chunkings.append([1]) }  // byte by byte
            for sizes in chunkings {
                let (streamed, summary) = try TestFiles.streamRecords(bytes, chunkSizes: sizes)
                XCTAssertEqual(streamed, expected, "\(name), chunks \(sizes.prefix(3))")
                XCTAssertEqual(summary.recordCount, fileSummary.recordCount, name)
                XCTAssertEqual(summary.byteCount, fileSummary.byteCount, name)
                XCTAssertTrue(summary.isComplete, "\(name): \(String(describing: summary.endIssue))")
            }
        }
    }

    func testTruncatedLastRecordIsCountedNotThrown() throws {
        let full = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: false, nanoseconds: false, records: pcapRecords())
        // Cut inside the last record's packet bytes, then inside its 16-byte header.
        for cut in [full.count - 100, full.count - 1514 - 8] {
            let bytes = Array(full.prefix(cut))
            let (records, summary) = try TestFiles.records(path: try TestFiles.write(bytes, name: "cut-\(cut).pcap"))
            XCTAssertEqual(records.count, 2)
            XCTAssertEqual(summary.recordCount, 2)
            XCTAssertEqual(summary.truncatedRecordCount, 1)
            XCTAssertFalse(summary.isComplete)
            guard case .truncatedRecord(let have, _, _) = summary.endIssue else {
                return XCTFail("expected truncatedRecord, got \(String(describing: summary.endIssue))")
            }
            XCTAssertEqual(have, summary.trailingByteCount)
            let (streamed, streamSummary) = try TestFiles.streamRecords(bytes, chunkSizes: [7])
            XCTAssertEqual(streamed, records)
            XCTAssertEqual(streamSummary.truncatedRecordCount, 1)
        }
        // A capture whose only record is cut: still reported, not thrown.
        let onlyOne = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: false, nanoseconds: false, records: [(1, 2, packets[2])])
        let (records, summary) = try TestFiles.records(bytes: Array(onlyOne.prefix(onlyOne.count - 1)))
        XCTAssertEqual(records.count, 0)
        XCTAssertEqual(summary.truncatedRecordCount, 1)
    }

    func testWrongMagicIsAThrownTypedErrorWithAClearMessage() throws {
        let notCapture = Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8)
        XCTAssertThrowsError(try TestFiles.records(bytes: notCapture)) { error in
            guard case CaptureReadError.badMagic(let magic) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(magic, 0x2054_4547)
            XCTAssertTrue("\(error)".contains("not a capture file"), "\(error)")
        }
        // gzip of something that is not a capture: the magic check happens on the inflated bytes.
        XCTAssertThrowsError(try TestFiles.records(bytes: try TestFiles.gzip(notCapture))) { error in
            XCTAssertEqual(error as? CaptureReadError, .badMagic(0x2054_4547))
        }
        XCTAssertThrowsError(try TestFiles.records(bytes: [])) { XCTAssertEqual($0 as? CaptureReadError, .emptyInput) }
        XCTAssertThrowsError(try TestFiles.records(bytes: [0xD4, 0xC3, 0xB2, 0xA1, 2, 0])) {
            XCTAssertEqual($0 as? CaptureReadError, .truncatedFileHeader(have: 6, need: 24))
        }
        XCTAssertThrowsError(try CaptureFileReader(path: "/nonexistent/capture.pcap")) { error in
            guard case CaptureReadError.cannotOpen(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/capture.pcap")
        }
        var stream = PcapStreamReader()
        XCTAssertThrowsError(try notCapture.withUnsafeBytes { try stream.feed($0) { _ in } })
        // A failed stream stays failed.
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 4).withUnsafeBytes { try stream.feed($0) { _ in } }) {
            XCTAssertEqual($0 as? CaptureReadError, .badMagic(0x2054_4547))
        }
    }

    func testHugeLengthsAreErrorsNotAllocations() throws {
        // A pcap record header claiming 4 GiB, first in the file: thrown.
        var header = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: false, nanoseconds: false, records: [])
        var bogus = CaptureBytesBuilder()
        bogus.append(UInt32(1)); bogus.append(UInt32(0)); bogus.append(UInt32(0xFFFF_FFF0)); bogus.append(UInt32(60))
        XCTAssertThrowsError(try TestFiles.records(bytes: header + bogus.bytes)) { error in
            guard case CaptureReadError.recordTooLarge(let length, let limit, let offset) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(length, 0xFFFF_FFF0)
            XCTAssertEqual(limit, CaptureFileReader.defaultRecordLimit)
            XCTAssertEqual(offset, 24)
        }
        // After a good record: reported in the summary.
        header = CaptureBytesBuilder.pcap(linkType: 1, bigEndian: false, nanoseconds: false, records: [(1, 1, packets[0])])
        let (records, summary) = try TestFiles.records(bytes: header + bogus.bytes)
        XCTAssertEqual(records.count, 1)
        if case .recordTooLarge = summary.endIssue {} else { XCTFail("\(String(describing: summary.endIssue))") }
        var stream = PcapStreamReader()
        XCTAssertThrowsError(try (header + bogus.bytes).withUnsafeBytes { try stream.feed($0) { _ in } })
        XCTAssertEqual(stream.recordCount, 1)

        // pcapng: absurd block length, a captured length overrunning its block, an undeclared interface.
        var ng = CaptureBytesBuilder()
        ng.sectionHeader()
        ng.interface(linkType: 1)
        var absurd = ng
        absurd.append(UInt32(6)); absurd.append(UInt32(0xFFFF_FFFC)); absurd.append([UInt8](repeating: 0, count: 32))
        XCTAssertThrowsError(try TestFiles.records(bytes: absurd.bytes)) { error in
            guard case CaptureReadError.badBlockLength(6, 0xFFFF_FFFC, _) = error else { return XCTFail("\(error)") }
        }
        var overrun = ng
        overrun.enhancedPacket(interface: 0, timestamp: 0, packet: packets[0])
        let capturedLengthField = ng.bytes.count + 20  // block type, length, interface, timestamp (2 words)
        overrun.bytes[capturedLengthField ..< capturedLengthField + 4] = [0xFF, 0xFF, 0, 0]
        XCTAssertThrowsError(try TestFiles.records(bytes: overrun.bytes)) { error in
            guard case CaptureReadError.capturedLengthOverrunsBlock = error else { return XCTFail("\(error)") }
        }
        var unknown = ng
        unknown.enhancedPacket(interface: 3, timestamp: 0, packet: packets[0])
        XCTAssertThrowsError(try TestFiles.records(bytes: unknown.bytes)) { error in
            XCTAssertEqual(error as? CaptureReadError, .unknownInterface(index: 3, declared: 1, offset: ng.bytes.count))
        }
        var mismatch = ng
        mismatch.simplePacket(packet: packets[0])
        mismatch.bytes[mismatch.bytes.count - 1] ^= 0x04
        XCTAssertThrowsError(try TestFiles.records(bytes: mismatch.bytes)) { error in
            guard case CaptureReadError.blockLengthMismatch = error else { return XCTFail("\(error)") }
        }
    }

    func testLargeSkippedBlockIsPassedOverWithoutBuffering() throws {
        var ng = CaptureBytesBuilder()
        ng.sectionHeader()
        ng.interface(linkType: 1)
        ng.block(type: 4, body: [UInt8](repeating: 0x55, count: 3 << 20))  // 3 MiB name-resolution block
        ng.enhancedPacket(interface: 0, timestamp: 7, packet: packets[0])
        let (records, summary) = try TestFiles.records(path: try TestFiles.write(ng.bytes, name: "skip.pcapng"))
        XCTAssertEqual(records.map(\.bytes), [packets[0]])
        XCTAssertEqual(summary.skippedBlockCount, 1)
        XCTAssertTrue(summary.isComplete)
        let (streamed, _) = try TestFiles.streamRecords(ng.bytes, chunkSizes: [65536, 3, 100_000])
        XCTAssertEqual(streamed, records)
    }
}

/// Deterministic pseudo-random numbers for reproducible chunkings.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
