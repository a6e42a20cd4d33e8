import D4Protocol
import D4TestSupport
import Foundation
import NIOCore
import XCTest
@testable import D4Sensor

final class FrameSpoolTests: XCTestCase {
    private func frame(_ index: Int, size: Int = 100) -> OutgoingFrame {
        var payload = ByteBuffer()
        payload.writeString(String(format: "%08d", index))
        payload.writeRepeatingByte(UInt8(index & 0xFF), count: size - 8)
        return OutgoingFrame(type: .genericLog, timestamp: UInt64(index), payload: payload,
                             startsAtRecord: index % 2 == 0, firstRecordOffset: index % 3 == 0 ? nil : 4,
                             pcapHeader: index % 2 == 0 ? [UInt8](repeating: 7, count: 24) : nil)
    }

    func testFramesComeBackInOrderAndSurviveAReopen() throws {
        let directory = try makeTemporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        var spool: FrameSpool? = try FrameSpool(directory: directory, maximumBytes: 1 << 20, policy: .block)
        for index in 0 ..< 50 { XCTAssertTrue(try spool!.append(frame(index))) }
        for index in 0 ..< 10 {
            XCTAssertEqual(try spool!.peek(), frame(index))
            try spool!.removeFirst()
        }
        spool = nil  // the sensor stops
        let reopened = try FrameSpool(directory: directory, maximumBytes: 1 << 20, policy: .block)
        XCTAssertEqual(reopened.frameCount, 40)
        for index in 10 ..< 50 {
            XCTAssertEqual(try reopened.peek(), frame(index), "frame \(index) after reopening")
            try reopened.removeFirst()
        }
        XCTAssertNil(try reopened.peek())
        XCTAssertTrue(reopened.isEmpty)
    }

    func testBlockPolicyRefusesWhenFull() throws {
        let directory = try makeTemporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try FrameSpool(directory: directory, maximumBytes: 1000, policy: .block)
        var accepted = 0
        while try spool.append(frame(accepted)) { accepted += 1 }
        XCTAssertEqual(accepted, 7, "records alternate 143 and 119 bytes: 7 fit in 1,000")
        XCTAssertEqual(spool.droppedFrames, 0)
        XCTAssertEqual(try spool.peek(), frame(0), "nothing was dropped")
    }

    func testDropOldestPolicyCountsWhatItDrops() throws {
        let directory = try makeTemporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Frames of 60,000 bytes so several 8 MiB segments exist.
        let spool = try FrameSpool(directory: directory, maximumBytes: 20 << 20, policy: .dropOldest)
        for index in 0 ..< 500 { XCTAssertTrue(try spool.append(frame(index, size: 60_000))) }
        XCTAssertGreaterThan(spool.droppedFrames, 0)
        XCTAssertLessThanOrEqual(spool.byteCount, 20 << 20)
        XCTAssertEqual(spool.frameCount + spool.droppedFrames, 500, "every frame is either kept or counted as dropped")
        let first = try XCTUnwrap(try spool.peek())
        XCTAssertEqual(first.timestamp, UInt64(spool.droppedFrames), "the oldest frames went first")
    }

    func testBackoffGrowsWithJitterAndResets() {
        var backoff = ReconnectBackoff(minimum: .milliseconds(100), maximum: .seconds(1))
        var generator = SeededGenerator(seed: 1)
        let delays = (0 ..< 6).map { _ in backoff.nextDelay(using: &generator) }
        let bounds: [(Duration, Duration)] = [(.milliseconds(50), .milliseconds(100)), (.milliseconds(100), .milliseconds(200)),
                                              (.milliseconds(200), .milliseconds(400)), (.milliseconds(400), .milliseconds(800)),
                                              (.milliseconds(500), .seconds(1)), (.milliseconds(500), .seconds(1))]
        for (delay, bound) in zip(delays, bounds) {
            XCTAssertTrue(delay >= bound.0 && delay <= bound.1, "\(delay) not in \(bound)")
        }
        backoff.reset()
        XCTAssertLessThanOrEqual(backoff.nextDelay(using: &generator), .milliseconds(100))
    }
}
