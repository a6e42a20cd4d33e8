import D4TestSupport
import D4Archive
import Foundation
import XCTest

/// A server killed without closing its sessions leaves open files readable up to their last
/// complete record or line, once flush() has run.
final class CrashRecoveryTests: XCTestCase {
    func testOpenPcapFileIsReadableUpToItsLastCompleteRecord() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 200, seed: 31)
        let parsed = try ParsedPcap(input)
        let config = ArchiveConfiguration(root: tmp.url)
        var rng = SeededGenerator(seed: 9)
        var session: ArchiveSession? = try ArchiveSession(key: Fixtures.key(type: 1), configuration: config)
        let received = input.count / 2 + 7  // very likely inside a record
        let prefix = Array(input[..<received])
        try session!.append(prefix, cuts: Fixtures.cuts(count: prefix.count, pieces: 100, using: &rng), now: Fixtures.start)
        try session!.flush()

        let open = try XCTUnwrap(session!.openFiles.first)
        XCTAssertTrue(config.openFiles.contains(open), "open file registered for retention")
        let check = { (label: String) throws in
            let onDisk = [UInt8](try Data(contentsOf: open))
            let seen = try ParsedPcap(onDisk)
            XCTAssertEqual(seen.trailing, 0, "\(label): the file ends at a record boundary")
            XCTAssertEqual(seen.header, parsed.header, label)
            XCTAssertEqual(onDisk, Array(input[..<onDisk.count]), "\(label): a prefix of the stream")
            // Every record entirely received is there.
            var end = 24, complete = 0
            for record in parsed.records {
                guard end + record.count <= received else { break }
                end += record.count
                complete += 1
            }
            XCTAssertEqual(seen.records.count, complete, label)
        }
        try check("after flush")
        session = nil  // dropped without close, like a crash of its owner
        try check("after the session vanished")
        XCTAssertFalse(config.openFiles.contains(open))
    }

    func testOpenTextFileEndsAtALineEnd() throws {
        let tmp = try TemporaryFolder()
        let input = try SharedData.vectorInput("passivedns.txt")
        let s = try ArchiveSession(key: Fixtures.key(type: 8), configuration: ArchiveConfiguration(root: tmp.url))
        let received = input.count - 10
        try s.append(Array(input[..<received]), cuts: [5, 50, 120], now: Fixtures.start)
        try s.flush()
        let onDisk = [UInt8](try Data(contentsOf: try XCTUnwrap(s.openFiles.first)))
        XCTAssertEqual(onDisk.last, 0x0A)
        XCTAssertEqual(onDisk, Array(input[..<onDisk.count]))
        XCTAssertEqual(onDisk.count, (input[..<received].lastIndex(of: 0x0A) ?? -1) + 1)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(try storedBytes(summary.files[0]), Array(input[..<received]))
    }

    func testFlushWithNothingNewWritesNothing() throws {
        let tmp = try TemporaryFolder()
        let s = try ArchiveSession(key: Fixtures.key(type: 3), configuration: ArchiveConfiguration(root: tmp.url))
        try s.flush()
        XCTAssertEqual(allFiles(under: tmp.url), [], "no file before the first complete line")
        try s.append(Array("partial".utf8), now: Fixtures.start)
        try s.flush()
        XCTAssertEqual(allFiles(under: tmp.url), [], "a partial line is not written")
        try s.append(Array(" line\n".utf8), now: Fixtures.start)
        try s.flush()
        try s.flush()
        let open = try XCTUnwrap(s.openFiles.first)
        XCTAssertEqual(try Data(contentsOf: open), Data("partial line\n".utf8))
    }
}
