#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import D4Archive
import Foundation
import XCTest

/// A disk that refuses writes (simulated with a file-size limit): the error names the file and the
/// reason, the session refuses further bytes, and close reports what was not stored.
final class DiskErrorTests: XCTestCase {
    func testWriteFailureIsReportedWithThePathAndTheSessionStops() throws {
        let tmp = try TemporaryFolder()
        #if os(Linux)
        let fileSizeLimit = Int32(RLIMIT_FSIZE.rawValue)
        #else
        let fileSizeLimit = RLIMIT_FSIZE
        #endif
        var saved = rlimit()
        XCTAssertEqual(getrlimit(fileSizeLimit, &saved), 0)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var small = saved
        small.rlim_cur = 200_000
        XCTAssertEqual(setrlimit(fileSizeLimit, &small), 0)
        defer {
            _ = setrlimit(fileSizeLimit, &saved)
            signal(SIGXFSZ, previousHandler)
        }

        let config = ArchiveConfiguration(root: tmp.url, compressClosedFiles: false)
        let s = try ArchiveSession(key: Fixtures.key(type: 7), configuration: config)
        let chunk = [UInt8](repeating: 0x5A, count: 65536)
        var failure: Error?
        for _ in 0 ..< 8 where failure == nil {
            do { try s.append(chunk, now: Fixtures.start) } catch { failure = error }
        }
        let error = try XCTUnwrap(failure, "a write past the size limit must fail")
        XCTAssertTrue("\(error)".contains(tmp.url.path), "\(error)")
        XCTAssertTrue("\(error)".contains("errno"), "\(error)")
        XCTAssertThrowsError(try s.append(chunk, now: Fixtures.start), "the session refuses bytes after a disk error")
        XCTAssertThrowsError(try s.flush())

        let summary = try s.close(now: Fixtures.start)
        XCTAssertEqual(summary.problems.map(\.kind), [.diskError])
        XCTAssertEqual(summary.files.count, 1)
        let stored = try storedBytes(summary.files[0])
        XCTAssertEqual(stored, [UInt8](repeating: 0x5A, count: stored.count), "what reached the file is intact")
        XCTAssertFalse(config.openFiles.contains(summary.files[0]))
    }
}
