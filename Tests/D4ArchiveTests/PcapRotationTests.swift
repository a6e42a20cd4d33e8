import D4Archive
import Foundation
import XCTest

/// Type 1 rotation: only between records, every file a valid pcap with the stream's global header.
final class PcapRotationTests: XCTestCase {
    private func assertValidParts(_ files: [URL], of input: [UInt8], file: StaticString = #filePath,
                                  line: UInt = #line) throws -> [ParsedPcap] {
        let expected = try ParsedPcap(input)
        var parts: [ParsedPcap] = []
        for url in files {
            let parsed = try ParsedPcap(try storedBytes(url))
            XCTAssertEqual(parsed.header, expected.header, "\(url.lastPathComponent) global header", file: file, line: line)
            XCTAssertEqual(parsed.trailing, 0, "\(url.lastPathComponent) ends inside a record", file: file, line: line)
            XCTAssertFalse(parsed.records.isEmpty, "\(url.lastPathComponent) has no record", file: file, line: line)
            parts.append(parsed)
        }
        XCTAssertEqual(parts.flatMap(\.records), expected.records, "records concatenated", file: file, line: line)
        return parts
    }

    func testSizeRotationMakesSeveralValidPcapFiles() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 400, seed: 99)
        let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 20_000)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        var rng = SeededGenerator(seed: 5)
        try s.append(input, cuts: Fixtures.cuts(count: input.count, pieces: 300, using: &rng), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)

        XCTAssertGreaterThan(summary.files.count, 5)
        XCTAssertTrue(summary.files.allSatisfy { $0.lastPathComponent.hasSuffix(".pcap.gz") })
        XCTAssertEqual(Set(summary.files).count, summary.files.count)
        let parts = try assertValidParts(summary.files, of: input)
        for (index, part) in parts.enumerated() {
            let size = 24 + part.records.reduce(0) { $0 + $1.count }
            if index < parts.count - 1 { XCTAssertGreaterThanOrEqual(size, 20_000, "part \(index) closed too early") }
            XCTAssertLessThan(size - part.records.last!.count, 20_000, "part \(index) closed too late")
        }
        XCTAssertEqual(summary.records, 400)
        try checkWithTshark(summary.files[1], records: parts[1].records.count)
    }

    /// An independent reader must accept a rotated file (skipped with a message when tshark/tcpdump is absent).
    private func checkWithTshark(_ gz: URL, records: Int) throws {
        let reader = executable("tshark") ?? executable("tcpdump")
        guard let reader else {
            print("note: neither tshark nor tcpdump is installed; external check of a rotated file skipped")
            return
        }
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("rotated-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: plain) }
        try Data(try storedBytes(gz)).write(to: plain)
        let process = Process()
        process.executableURL = reader
        process.arguments = reader.lastPathComponent == "tshark" ? ["-r", plain.path, "-T", "fields", "-e", "frame.number"]
                                                                  : ["-r", plain.path, "-nn"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(reader.lastPathComponent) rejected \(gz.lastPathComponent)")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").count
        XCTAssertEqual(lines, records, "\(reader.lastPathComponent) packet count")
    }

    func testInlineCompressionGivesTheSameFiles() throws {
        let input = Fixtures.pcap(records: 100, seed: 98)
        var results: [[[UInt8]]] = []
        for compressor in [nil, ArchiveCompressor()] {
            let tmp = try TemporaryFolder()
            let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 15_000, compressor: compressor)
            let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
            var rng = SeededGenerator(seed: 1)
            try s.append(input, cuts: Fixtures.cuts(count: input.count, pieces: 80, using: &rng), now: Fixtures.start)
            let summary = try s.close(now: Fixtures.start)
            XCTAssertEqual(allFiles(under: tmp.url), summary.files, "only the final .gz files remain")
            XCTAssertTrue(try summary.files.allSatisfy(isCompleteGzip))
            _ = try assertValidParts(summary.files, of: input)
            results.append(try summary.files.map(storedBytes))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertGreaterThan(results[0].count, 3)
    }

    func testTimeRotationUsesTheNowParameter() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 180, seed: 3, maxLength: 200)
        let parsed = try ParsedPcap(input)
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 60)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        // Ten records per append, one append every 10 s: files open at 0 s, 60 s and 120 s.
        try s.append(input[0 ..< 24].map { $0 }, now: Fixtures.start)
        for step in 0 ..< 18 {
            let chunk = parsed.records[step * 10 ..< step * 10 + 10].flatMap { $0 }
            try s.append(chunk, now: Fixtures.start.addingTimeInterval(Double(step * 10)))
        }
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(175))
        XCTAssertEqual(summary.files.count, 3)
        let parts = try assertValidParts(summary.files, of: input)
        XCTAssertEqual(parts.map(\.records.count), [60, 60, 60])
    }

    func testTimeRotationWaitsForARecordBoundary() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 3, seed: 8, maxLength: 1000)
        let parsed = try ParsedPcap(input)
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 60, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        let firstEnd = 24 + parsed.records[0].count
        // The interval passes while the second record is half received: no rotation inside it.
        try s.append(Array(input[0 ..< firstEnd + 10]), now: Fixtures.start)
        try s.append(Array(input[firstEnd + 10 ..< firstEnd + 20]), now: Fixtures.start.addingTimeInterval(100))
        try s.append(Array(input[(firstEnd + 20)...]), now: Fixtures.start.addingTimeInterval(101))
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(102))
        let parts = try assertValidParts(summary.files, of: input)
        XCTAssertEqual(parts.map(\.records.count), [2, 1])
    }

    func testRotateIfDueClosesAQuietFile() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 20, seed: 11, maxLength: 400)
        let parsed = try ParsedPcap(input)
        let firstHalf = 24 + parsed.records[0 ..< 10].reduce(0) { $0 + $1.count }
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 300)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        try s.append(Array(input[..<firstHalf]), now: Fixtures.start)
        try s.rotateIfDue(now: Fixtures.start.addingTimeInterval(299))
        XCTAssertFalse(allFiles(under: tmp.url).contains { $0.pathExtension == "gz" }, "rotated too early")
        try s.rotateIfDue(now: Fixtures.start.addingTimeInterval(301))
        config.compressor?.waitUntilIdle()
        let closed = allFiles(under: tmp.url)
        XCTAssertEqual(closed.count, 1)
        XCTAssertEqual(closed.first?.pathExtension, "gz", "the quiet file is closed and compressed")
        try s.append(Array(input[firstHalf...]), now: Fixtures.start.addingTimeInterval(400))
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(401))
        let parts = try assertValidParts(summary.files, of: input)
        XCTAssertEqual(parts.map(\.records.count), [10, 10])
    }

    func testRotatedFilesGoToTheFolderOfTheirDay() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 4, seed: 12, maxLength: 100)
        let parsed = try ParsedPcap(input)
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 3600)
        let s = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        try s.append(Array(input[..<(24 + parsed.records[0].count)]), now: Fixtures.start)
        try s.append(parsed.records[1...].flatMap { $0 }, now: Fixtures.start.addingTimeInterval(86_400 + 5))
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(86_400 + 6))
        XCTAssertEqual(summary.files.count, 2)
        XCTAssertTrue(summary.files[0].path.contains("/2024/01/01/"), summary.files[0].path)
        XCTAssertTrue(summary.files[1].path.contains("/2024/01/02/"), summary.files[1].path)
        // Both keep the session start in their name.
        XCTAssertTrue(summary.files.allSatisfy { $0.lastPathComponent.contains("-20240101000000-s1-") })
        _ = try assertValidParts(summary.files, of: input)
    }
}
