import D4Archive
import Foundation
import XCTest

/// Types without structure (5, 7, unknown) are stored as received and rotated at any byte.
final class RawArchiveTests: XCTestCase {
    func testSizeRotationAnywhere() throws {
        let tmp = try TemporaryFolder()
        var rng = SeededGenerator(seed: 4)
        let input = (0 ..< 100_000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        let config = ArchiveConfiguration(root: tmp.url, rotationBytes: 30_000)
        let s = try ArchiveSession(key: Fixtures.key(type: 7), configuration: config)
        try s.append(input, cuts: Fixtures.cuts(count: input.count, pieces: 50, using: &rng), now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        let parts = try summary.files.map(storedBytes)
        XCTAssertEqual(parts.map(\.count), [30_000, 30_000, 30_000, 10_000])
        XCTAssertEqual(parts.flatMap { $0 }, input)
        XCTAssertTrue(summary.files.allSatisfy { $0.lastPathComponent.hasSuffix(".yaf.gz") })
        XCTAssertEqual(summary.records, 0)
        XCTAssertEqual(summary.lines, 0)
    }

    func testTimeRotationAnywhere() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, rotationInterval: 10, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 200), configuration: config)
        try s.append([1, 2, 3], now: Fixtures.start)
        try s.append([4, 5], now: Fixtures.start.addingTimeInterval(5))
        try s.append([6], now: Fixtures.start.addingTimeInterval(10))
        let summary = try s.close(now: Fixtures.start.addingTimeInterval(11))
        XCTAssertEqual(try summary.files.map(storedBytes), [[1, 2, 3, 4, 5], [6]])
        XCTAssertTrue(summary.files[0].lastPathComponent.hasSuffix(".raw"))
    }

    func testLargeAppendsBypassingTheBufferKeepOrder() throws {
        let tmp = try TemporaryFolder()
        let config = ArchiveConfiguration(root: tmp.url, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 5), configuration: config)
        var rng = SeededGenerator(seed: 6)
        let input = (0 ..< 600_000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        try s.append(input, cuts: [10, 100_010, 100_020, 300_000, 300_001], now: Fixtures.start)
        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(try summary.files.flatMap(storedBytes), input)
    }
}
