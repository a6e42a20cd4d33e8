import D4Archive
import Foundation
import XCTest

/// After a crash, the files left open are compressed at the next start and unfinished
/// compressions are removed; nothing of a live session is touched.
final class ArchiveRecoveryTests: XCTestCase {
    func testFilesLeftOpenByACrashAreCompressedAtStart() throws {
        let tmp = try TemporaryFolder()
        let input = Fixtures.pcap(records: 50, seed: 61)
        let crashed = ArchiveConfiguration(root: tmp.url)
        var session: ArchiveSession? = try ArchiveSession(key: Fixtures.key(type: 1), configuration: crashed)
        try session!.append(Array(input.dropLast(3)), cuts: [100, 1000], now: Fixtures.start)
        try session!.flush()
        let open = try XCTUnwrap(session!.openFiles.first)
        session = nil  // the process "died": no close, no compression
        // A compression interrupted by the crash left a partial file.
        let partial = open.deletingLastPathComponent().appendingPathComponent("other-0001.pcap.gz.partial")
        try Data([0x1F, 0x8B]).write(to: partial)

        let restarted = ArchiveConfiguration(root: tmp.url)
        let live = try ArchiveSession(key: Fixtures.key(type: 3, session: 2), configuration: restarted)
        try live.append(Array("line\n".utf8), now: Fixtures.start)
        try live.flush()
        let report = try ArchiveRecovery.finishInterruptedWork(configuration: restarted)

        XCTAssertEqual(report.removedPartials, [partial])
        XCTAssertEqual(report.compressed, [open.appendingPathExtension("gz")])
        XCTAssertEqual(report.failures, [])
        let recovered = try ParsedPcap(try storedBytes(open.appendingPathExtension("gz")))
        XCTAssertEqual(recovered.trailing, 0)
        XCTAssertEqual(recovered.records, Array(try ParsedPcap(input).records.dropLast()))
        XCTAssertTrue(FileManager.default.fileExists(atPath: try XCTUnwrap(live.openFiles.first).path), "live file untouched")
        _ = try live.close(now: Fixtures.start)
    }
}
