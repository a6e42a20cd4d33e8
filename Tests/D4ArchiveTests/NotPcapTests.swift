import D4TestSupport
import D4Archive
import Foundation
import XCTest

/// Type 1 streams that are not (or stop being) pcap are kept raw, whole, with a problem (defect 9).
final class NotPcapTests: XCTestCase {
    func testBadMagicIsKeptRawWithAProblem() throws {
        let tmp = try TemporaryFolder()
        let input = Array("this is a log line, not a pcap stream\nsecond line\n".utf8) + [UInt8](repeating: 7, count: 300)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: ArchiveConfiguration(root: tmp.url))
        var rng = SeededGenerator(seed: 1)
        try s.append(input, cuts: Fixtures.cuts(count: input.count, pieces: 20, using: &rng), now: Fixtures.start)
        XCTAssertEqual(s.problems.map(\.kind), [.notPcap])
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.files.count, 1)
        XCTAssertTrue(summary.files[0].lastPathComponent.hasSuffix(".raw.gz"), summary.files[0].path)
        XCTAssertEqual(try storedBytes(summary.files[0]), input)
        XCTAssertEqual(summary.problems.map(\.kind), [.notPcap])
        XCTAssertTrue(summary.problems[0].message.contains("not a pcap stream"), summary.problems[0].message)
        XCTAssertEqual(allFiles(under: tmp.url), summary.files, "no empty .pcap file left behind")
    }

    func testAbsurdRecordLengthMidStreamKeepsEveryByteRaw() throws {
        let good = Fixtures.pcap(records: 50, seed: 21, maxLength: 600)
        var bad = good
        bad += [0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF]
        var rng = SeededGenerator(seed: 77)
        bad += (0 ..< 5000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        for pattern in 0 ..< 20 {
            let tmp = try TemporaryFolder()
            let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 4000)
            let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
            try s.append(bad, cuts: Fixtures.cuts(count: bad.count, pieces: 1 + pattern * 10, using: &rng), now: Fixtures.start)
            let summary = try s.close(now: Fixtures.start)

            let raw = summary.files.filter { $0.lastPathComponent.contains(".raw") }
            let pcaps = summary.files.filter { $0.lastPathComponent.contains(".pcap") }
            // The raw files (rotated by size like any raw stream) hold every byte from the first.
            XCTAssertFalse(raw.isEmpty, "pattern \(pattern)")
            XCTAssertEqual(try raw.map(storedBytes).joined().map { $0 }, bad, "raw holds all bytes, pattern \(pattern)")
            XCTAssertGreaterThan(pcaps.count, 1, "pattern \(pattern)")
            // The pcap files written before the corruption stay, valid, with the good records.
            let records = try pcaps.flatMap { try ParsedPcap(storedBytes($0)).records }
            XCTAssertEqual(records, try ParsedPcap(good).records, "pattern \(pattern)")
            XCTAssertEqual(summary.records, 50)
            XCTAssertEqual(summary.problems.map(\.kind), [.notPcap])
            XCTAssertTrue(summary.problems[0].message.contains("captured bytes"), summary.problems[0].message)
            XCTAssertEqual(Set(allFiles(under: tmp.url)), Set(summary.files), "nothing deleted, nothing extra")
        }
    }

    func testStreamShorterThanTheGlobalHeaderIsKeptRaw() throws {
        let tmp = try TemporaryFolder()
        let input: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0]
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(input, cuts: [3, 7], now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.problems.map(\.kind), [.truncatedStream])
        XCTAssertEqual(summary.files.count, 1)
        XCTAssertEqual(try storedBytes(summary.files[0]), input)
    }

    func testStreamEndingInsideARecordKeepsTheTailInThePcapFile() throws {
        let tmp = try TemporaryFolder()
        let full = try SharedData.vectorInput("small.pcap")
        let input = Array(full.dropLast(5))
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(input, cuts: [100, 5000], now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.files.count, 1)
        XCTAssertEqual(try storedBytes(summary.files[0]), input)
        XCTAssertEqual(summary.problems.map(\.kind), [.truncatedStream])
        XCTAssertEqual(summary.records, try ParsedPcap(full).records.count - 1)
    }
}
