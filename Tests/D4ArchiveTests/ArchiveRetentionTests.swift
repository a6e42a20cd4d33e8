import D4Archive
import Foundation
import XCTest

/// Retention deletes the oldest files first, by age or total size, and spares open files.
final class ArchiveRetentionTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Five 1000-byte files aged 5, 4, 3, 2, 1 days, in two day folders.
    private func makeFiles(in root: URL) throws -> [URL] {
        var files: [URL] = []
        for age in stride(from: 5, through: 1, by: -1) {
            let dir = root.appendingPathComponent("u/1/2027/01/0\(age)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let url = dir.appendingPathComponent("f\(age).pcap.gz")
            try Data(repeating: UInt8(age), count: 1000).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-Double(age) * 86_400)],
                                                  ofItemAtPath: url.path)
            files.append(url)
        }
        return files
    }

    func testByAgeDeletesOlderFilesOldestFirstAndEmptyFolders() throws {
        let tmp = try TemporaryFolder()
        let files = try makeFiles(in: tmp.url)
        let deleted = try ArchiveRetention(maxAge: 2.5 * 86_400).enforce(root: tmp.url, now: now)
        XCTAssertEqual(deleted.map(\.lastPathComponent), ["f5.pcap.gz", "f4.pcap.gz", "f3.pcap.gz"])
        XCTAssertEqual(allFiles(under: tmp.url).map(\.lastPathComponent), ["f1.pcap.gz", "f2.pcap.gz"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: files[0].deletingLastPathComponent().path), "empty day folder removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.url.path), "root stays")
    }

    func testBySizeDeletesOldestUntilUnderTheLimit() throws {
        let tmp = try TemporaryFolder()
        _ = try makeFiles(in: tmp.url)
        let deleted = try ArchiveRetention(maxTotalBytes: 3500).enforce(root: tmp.url, now: now)
        XCTAssertEqual(deleted.map(\.lastPathComponent), ["f5.pcap.gz", "f4.pcap.gz"])
        XCTAssertEqual(allFiles(under: tmp.url).count, 3)
    }

    func testSparedFilesAreKept() throws {
        let tmp = try TemporaryFolder()
        let files = try makeFiles(in: tmp.url)
        let deleted = try ArchiveRetention(maxAge: 0).enforce(root: tmp.url, now: now,
                                                              sparing: [files[0].standardizedFileURL.path])
        XCTAssertEqual(deleted.count, 4)
        XCTAssertEqual(allFiles(under: tmp.url), [files[0]])
    }

    func testOpenFilesOfLiveSessionsAreSpared() throws {
        let tmp = try TemporaryFolder()
        _ = try makeFiles(in: tmp.url)
        let config = ArchiveConfiguration(root: tmp.url)
        let s = try ArchiveSession(key: Fixtures.key(type: 3), configuration: config)
        try s.append(Array("line\n".utf8), now: Fixtures.start)
        try s.flush()
        let open = try XCTUnwrap(s.openFiles.first)
        let deleted = try ArchiveRetention(maxTotalBytes: 0).enforce(configuration: config, now: now)
        XCTAssertEqual(deleted.count, 5)
        XCTAssertEqual(allFiles(under: tmp.url).map(\.standardizedFileURL), [open.standardizedFileURL])
        try s.append(Array("more\n".utf8), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(try storedBytes(summary.files[0]), Array("line\nmore\n".utf8))
    }

    func testMissingRootDeletesNothing() throws {
        let tmp = try TemporaryFolder()
        let deleted = try ArchiveRetention(maxAge: 1).enforce(root: tmp.url.appendingPathComponent("absent"), now: now)
        XCTAssertEqual(deleted, [])
    }
}
