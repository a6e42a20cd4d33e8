import D4TestSupport
import D4Archive
import Foundation
import XCTest

/// Text types are stored line-exact: the files concatenated equal the stream, rotation only after a
/// newline, and a line split across appends is stored once (reference defect 5).
final class TextArchiveTests: XCTestCase {
    private func store(_ input: [UInt8], type: UInt8 = 8, cuts: [Int], config: ArchiveConfiguration,
                       session: UInt64 = 1) throws -> ArchiveSessionSummary {
        let s = try ArchiveSession(key: Fixtures.key(type: type, session: session), configuration: config)
        try s.append(input, cuts: cuts, now: Fixtures.start)
        return try s.close(now: Fixtures.start)
    }

    private func concatenated(_ files: [URL]) throws -> [UInt8] {
        try files.flatMap { try storedBytes($0) }
    }

    func testPassiveDNSWholeByteByByteAndAtRandomCuts() throws {
        let input = try SharedData.vectorInput("passivedns.txt")
        let lines = input.filter { $0 == 0x0A }.count + (input.last == 0x0A ? 0 : 1)
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url)
        var patterns: [[Int]] = [[], Array(1 ..< input.count)]
        var rng = SeededGenerator(seed: 0xCAFE)
        for _ in 0 ..< 200 {
            patterns.append(Fixtures.cuts(count: input.count, pieces: Int.random(in: 1 ... 40, using: &rng), using: &rng))
        }
        for (index, cuts) in patterns.enumerated() {
            let summary = try store(input, cuts: cuts, config: config, session: UInt64(index + 1))
            XCTAssertEqual(summary.files.count, 1)
            XCTAssertTrue(summary.files[0].lastPathComponent.hasSuffix(".passivedns.txt.gz"), summary.files[0].path)
            XCTAssertEqual(try concatenated(summary.files), input, "cuts \(cuts)")
            XCTAssertEqual(summary.lines, lines)
            XCTAssertEqual(summary.problems, [])
        }
    }

    func testLineSplitAcrossAppendsIsWrittenOnce() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 3), configuration: config)
        for piece in ["first li", "ne\nsecond", " line\nthi", "rd"] { try s.append(Array(piece.utf8), now: Fixtures.start) }
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(String(decoding: try concatenated(summary.files), as: UTF8.self), "first line\nsecond line\nthird")
        XCTAssertEqual(summary.lines, 3)
        XCTAssertTrue(summary.files[0].lastPathComponent.hasSuffix(".log"))
    }

    func testSizeRotationHappensOnlyAtLineEnds() throws {
        var rng = SeededGenerator(seed: 17)
        var input: [UInt8] = []
        for i in 0 ..< 2000 {
            input += Array("\(i)|".utf8) + (0 ..< Int.random(in: 0 ... 120, using: &rng)).map { _ in UInt8.random(in: 0x21 ... 0x7E, using: &rng) } + [0x0A]
        }
        input += Array("last line without newline".utf8)
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 5000)
        let summary = try store(input, type: 6, cuts: Fixtures.cuts(count: input.count, pieces: 500, using: &rng), config: config)
        XCTAssertGreaterThan(summary.files.count, 10)
        XCTAssertEqual(try concatenated(summary.files), input)
        for (index, url) in summary.files.enumerated().dropLast() {
            let part = try storedBytes(url)
            XCTAssertEqual(part.last, 0x0A, "part \(index) ends inside a line")
            XCTAssertGreaterThanOrEqual(part.count, 5000, "part \(index) closed too early")
            let withoutLastLine = part.dropLast().lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            XCTAssertLessThan(withoutLastLine, 5000, "part \(index) closed too late")
        }
        XCTAssertEqual(summary.lines, 2001)
    }

    func testTimeRotationHappensAtTheFirstLineEndAfterTheInterval() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 60, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 3), configuration: config)
        try s.append(Array("a\nb".utf8), now: Fixtures.start)
        try s.append(Array("bb\nc\n".utf8), now: Fixtures.start.addingTimeInterval(61))
        try s.append(Array("d\n".utf8), now: Fixtures.start.addingTimeInterval(62))
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(63))
        XCTAssertEqual(try summary.files.map { String(decoding: try storedBytes($0), as: UTF8.self) }, ["a\nbbb\n", "c\nd\n"])
    }

    func testOverlongLineIsWrittenOutWithAProblem() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, maxPendingLineBytes: 1000)
        var input = Array("short\n".utf8) + [UInt8](repeating: 0x41, count: 5000) + Array("\nafter\n".utf8)
        input += [UInt8](repeating: 0x42, count: 3000)
        let s = try ArchiveSession(key: Fixtures.key(type: 4), configuration: config)
        try s.append(input, cuts: Array(stride(from: 300, to: input.count, by: 300)), now: Fixtures.start)
        XCTAssertEqual(s.problems.map(\.kind), [.lineTooLong])
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(try concatenated(summary.files), input)
        XCTAssertEqual(summary.problems.map(\.kind), [.lineTooLong])
        XCTAssertEqual(summary.lines, 4)
    }

    func testType254UsesTheMetaTypeFolderAndWritesTheMetaHeaderBeside() throws {
        let tmp = try TemporaryFolder()
        let meta = Data(#"{"type":"ja3-jl","encoding":"utf-8","tags":["tlp:white"]}"#.utf8)
        let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 40)
        let s = try ArchiveSession(key: Fixtures.key(type: 254, metaType: "ja3-jl"), configuration: config, metaHeaderJSON: meta)
        let input = Array(#"{"ja3":"a"}"#.utf8) + [0x0A] + Array(#"{"ja3":"b"}"#.utf8) + [0x0A]
        try s.append(input + input + input, cuts: [5, 30], now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        let data = summary.files.filter { !$0.lastPathComponent.hasSuffix(".meta.json") }
        let metas = summary.files.filter { $0.lastPathComponent.hasSuffix(".meta.json") }
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(metas.count, data.count)
        XCTAssertEqual(try concatenated(data), input + input + input)
        let hex = "3b7f9e516c2a4d8b9e0f1a2b3c4d5e6f"
        for (dataFile, metaFile) in zip(data, metas) {
            XCTAssertEqual(dataFile.deletingLastPathComponent(), metaFile.deletingLastPathComponent())
            XCTAssertTrue(dataFile.path.hasPrefix(tmp.url.path + "/\(hex)/254/ja3-jl/2024/01/01/"), dataFile.path)
            XCTAssertEqual(try Data(contentsOf: metaFile), meta)
            let stem = dataFile.lastPathComponent.split(separator: ".").first.map(String.init)
            XCTAssertEqual(metaFile.lastPathComponent, "\(stem ?? "").meta.json")
        }
    }

    func testType254MetaTypeCannotEscapeTheArchive() throws {
        let tmp = try TemporaryFolder()
        let s = try ArchiveSession(key: Fixtures.key(type: 254, metaType: "../../etc/pass wd"),
                                   configuration: ArchiveConfiguration(root: tmp.url), metaHeaderJSON: Data("{}".utf8))
        try s.append(Array("x\n".utf8), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        let path = try XCTUnwrap(summary.files.first).path
        XCTAssertTrue(path.hasPrefix(tmp.url.path + "/3b7f9e516c2a4d8b9e0f1a2b3c4d5e6f/254/_.._etc_pass_wd/"), path)
    }

    func testType254WithoutMetaHeaderRecordsAProblem() throws {
        let tmp = try TemporaryFolder()
        let s = try ArchiveSession(key: Fixtures.key(type: 254, metaType: nil), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(Array("x\n".utf8), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.problems.map(\.kind), [.missingMetaHeader])
        XCTAssertTrue(summary.files[0].path.contains("/254/unknown/"), summary.files[0].path)
        XCTAssertEqual(summary.files.count, 1)
    }
}
