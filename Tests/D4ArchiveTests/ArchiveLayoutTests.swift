import D4TestSupport
import D4Archive
import Foundation
import XCTest

/// Folder layout and file names: compatible with the reference, unique per session, never overwriting.
final class ArchiveLayoutTests: XCTestCase {
    private let hex = "3b7f9e516c2a4d8b9e0f1a2b3c4d5e6f"

    func testPathOfAPcapSession() throws {
        let tmp = try TemporaryFolder()
        let s = try ArchiveSession(key: Fixtures.key(type: 1, session: 7), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(try SharedData.vectorInput("small.pcap"), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.files.map(\.path),
                       [tmp.url.path + "/\(hex)/1/2024/01/01/\(hex)-20240101000000-s7-0001.pcap.gz"])
    }

    func testTwoSessionsStartingInTheSameSecondWriteTwoFiles() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url)
        let a = Fixtures.pcap(records: 10, seed: 1)
        let b = Fixtures.pcap(records: 12, seed: 2)
        let first = try ArchiveSession(key: Fixtures.key(type: 1, session: 1), configuration: config)
        let second = try ArchiveSession(key: Fixtures.key(type: 1, session: 2), configuration: config)
        try first.append(a, cuts: [50], now: Fixtures.start)
        try second.append(b, cuts: [70], now: Fixtures.start)
        let sa = try first.close(now: Fixtures.start)
        let sb = try second.close(now: Fixtures.start)
        XCTAssertEqual(sa.files.count, 1)
        XCTAssertEqual(sb.files.count, 1)
        XCTAssertNotEqual(sa.files, sb.files)
        XCTAssertEqual(try storedBytes(sa.files[0]), a)
        XCTAssertEqual(try storedBytes(sb.files[0]), b)
    }

    func testAnExistingFileIsNeverOverwritten() throws {
        let tmp = try TemporaryFolder()
        let dir = tmp.url.appendingPathComponent("\(hex)/3/2024/01/01")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let name = "\(hex)-20240101000000-s1-0001"
        // The same session ID after a server restart: its earlier files (plain and compressed) stay.
        try Data("old plain\n".utf8).write(to: dir.appendingPathComponent("\(name).log"))
        try Data("old gz".utf8).write(to: dir.appendingPathComponent("\(name)-c1.log.gz"))
        let s = try ArchiveSession(key: Fixtures.key(type: 3), configuration: ArchiveConfiguration(root: tmp.url))
        try s.append(Array("new\n".utf8), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.files.map(\.lastPathComponent), ["\(name)-c2.log.gz"])
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("\(name).log")), Data("old plain\n".utf8))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("\(name)-c1.log.gz")), Data("old gz".utf8))
        XCTAssertEqual(try storedBytes(summary.files[0]), Array("new\n".utf8))
    }

    func testUnwritableRootFailsWithThePathInTheMessage() throws {
        let tmp = try TemporaryFolder()
        let blocker = tmp.url.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        XCTAssertThrowsError(try ArchiveSession(key: Fixtures.key(type: 1), configuration: ArchiveConfiguration(root: blocker))) { error in
            XCTAssertTrue("\(error)".contains(blocker.path), "\(error)")
        }
    }

    func testInvalidConfigurationIsRejected() throws {
        let tmp = try TemporaryFolder()
        XCTAssertThrowsError(try ArchiveSession(key: Fixtures.key(type: 1),
                                                configuration: ArchiveConfiguration(root: tmp.url, rotationBytes: 0))) { error in
            XCTAssertTrue("\(error)".contains("rotationBytes"), "\(error)")
        }
    }
}
