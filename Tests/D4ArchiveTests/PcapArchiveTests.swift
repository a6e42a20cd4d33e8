import D4TestSupport
import D4Archive
import Foundation
import XCTest

/// Type 1: whatever the cuts between appends, the closed archive is the input pcap, byte for byte.
final class PcapArchiveTests: XCTestCase {
    private func archive(_ input: [UInt8], cuts: [Int], root: URL, session: UInt64,
                         compress: Bool = true) throws -> ArchiveSessionSummary {
        let config = ArchiveConfiguration(root: root, compressClosedFiles: compress)
        let s = try ArchiveSession(key: Fixtures.key(type: 1, session: session), configuration: config)
        try s.append(input, cuts: cuts, now: Fixtures.start)
        XCTAssertEqual(s.bytesReceived, input.count)
        return try s.close(now: Fixtures.start)
    }

    private func assertIdentical(_ summary: ArchiveSessionSummary, _ input: [UInt8], compressed: Bool = true,
                                 _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(summary.files.count, 1, context, file: file, line: line)
        XCTAssertEqual(summary.problems, [], context, file: file, line: line)
        guard let stored = summary.files.first else { return }
        XCTAssertTrue(stored.lastPathComponent.hasSuffix(compressed ? ".pcap.gz" : ".pcap"), context, file: file, line: line)
        XCTAssertEqual(try storedBytes(stored), input, context, file: file, line: line)
        XCTAssertEqual(summary.records, try ParsedPcap(input).records.count, context, file: file, line: line)
    }

    func testSmallPcapAppendedWhole() throws {
        let input = try SharedData.vectorInput("small.pcap")
        let tmp = try TemporaryFolder()
        let summary = try archive(input, cuts: [], root: tmp.url, session: 1)
        try assertIdentical(summary, input, "whole")
        XCTAssertTrue(try isCompleteGzip(summary.files[0]))
        // The uncompressed file is gone once the .gz is complete.
        XCTAssertEqual(allFiles(under: tmp.url), summary.files)
        XCTAssertEqual(summary.bytes, input.count)
    }

    func testSmallPcapAppendedByteByByte() throws {
        let input = try SharedData.vectorInput("small.pcap")
        let tmp = try TemporaryFolder()
        let summary = try archive(input, cuts: Array(1 ..< input.count), root: tmp.url, session: 1)
        try assertIdentical(summary, input, "byte by byte")
    }

    func testSmallPcapCutAtTwoHundredRandomPatterns() throws {
        let input = try SharedData.vectorInput("small.pcap")
        let tmp = try TemporaryFolder()
        var rng = SeededGenerator(seed: 0xD4)
        for pattern in 0 ..< 200 {
            let cuts = Fixtures.cuts(count: input.count, pieces: Int.random(in: 1 ... 60, using: &rng), using: &rng)
            let summary = try archive(input, cuts: cuts, root: tmp.url, session: UInt64(pattern + 1))
            try assertIdentical(summary, input, "pattern \(pattern) cuts \(cuts)")
        }
    }

    func testGeneratedPcapOtherByteOrderAndNanosecondsAtRandomCuts() throws {
        let tmp = try TemporaryFolder()
        var rng = SeededGenerator(seed: 42)
        for pattern in 0 ..< 100 {
            let input = Fixtures.pcap(records: 60, seed: UInt64(pattern), maxLength: 300,
                                      swapped: pattern % 2 == 0, nanoseconds: pattern % 3 == 0)
            let cuts = Fixtures.cuts(count: input.count, pieces: Int.random(in: 1 ... 200, using: &rng), using: &rng)
            let summary = try archive(input, cuts: cuts, root: tmp.url, session: UInt64(pattern + 1), compress: false)
            try assertIdentical(summary, input, compressed: false, "pattern \(pattern)")
        }
    }

    func testRecordsWithZeroLengthAndTheLimitLength() throws {
        let tmp = try TemporaryFolder()
        var input = Fixtures.pcap(records: 0, seed: 1)
        for length in [0, 262_144, 0, 1] {
            input += [1, 0, 0, 0, 2, 0, 0, 0] + withUnsafeBytes(of: UInt32(length).littleEndian, Array.init)
                + withUnsafeBytes(of: UInt32(length).littleEndian, Array.init) + [UInt8](repeating: 0xAB, count: length)
        }
        var rng = SeededGenerator(seed: 7)
        let cuts = Fixtures.cuts(count: input.count, pieces: 40, using: &rng)
        let summary = try archive(input, cuts: cuts, root: tmp.url, session: 1, compress: false)
        try assertIdentical(summary, input, compressed: false, "zero and limit lengths")
        XCTAssertEqual(summary.records, 4)
    }

    func testEmptySessionLeavesNoFile() throws {
        let tmp = try TemporaryFolder()
        let summary = try archive([], cuts: [], root: tmp.url, session: 1)
        XCTAssertEqual(summary.files, [])
        XCTAssertEqual(summary.problems, [])
        XCTAssertEqual(allFiles(under: tmp.url), [])
    }

    func testAppendAfterCloseThrowsAndCloseTwiceReturnsTheSameSummary() throws {
        let tmp = try TemporaryFolder()
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(try SharedData.vectorInput("small.pcap"), now: Fixtures.start)
        let first = try s.close(now: Fixtures.start)
        XCTAssertThrowsError(try s.append([1, 2, 3], now: Fixtures.start)) { error in
            XCTAssertTrue("\(error)".contains("already closed"), "\(error)")
        }
        XCTAssertEqual(try s.close(now: Fixtures.start), first)
    }
}
