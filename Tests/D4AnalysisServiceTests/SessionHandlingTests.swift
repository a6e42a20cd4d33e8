import D4Analysis
@testable import D4AnalysisService
import D4Queues
import Foundation
import Logging
import PacketCapture
import XCTest

/// The engine's session table: bounded, idle sessions dropped, unreadable streams counted once.
final class SessionHandlingTests: XCTestCase {
    private let header = PcapFileHeader(linkType: 1).bytes

    private func item(_ sensor: UUID, session: UInt64, sequence: UInt64, _ payload: [UInt8]) -> QueueItem {
        QueueItem(sensor: sensor, type: 1, session: session, sequence: sequence, timestamp: 1_764_000_000, payload: payload)
    }

    func testIdleSessionsAreDropped() async {
        let clock = ManualClock(1_764_000_000)
        let engine = AnalysisEngine(configuration: LiveAnalyzerConfiguration(sessionIdleTimeout: 60, wallClock: { clock.now }),
                                    logger: Logger(label: "test"))
        let sensor = UUID()
        await engine.process([item(sensor, session: 1, sequence: 1, header), item(sensor, session: 2, sequence: 2, header)])
        clock.advance(by: 30)
        await engine.process([item(sensor, session: 2, sequence: 3, [])])
        clock.advance(by: 40)   // session 1 idle for 70 s, session 2 for 40 s
        await engine.tick()
        var statistics = await engine.currentStatistics
        XCTAssertEqual(statistics.sessionsOpen, 1)
        XCTAssertEqual(statistics.sessionsEvicted, 1)
        clock.advance(by: 30)
        await engine.tick()
        statistics = await engine.currentStatistics
        XCTAssertEqual(statistics.sessionsOpen, 0)
        XCTAssertEqual(statistics.sessionsEvicted, 2)
    }

    func testSessionTableIsBounded() async {
        let clock = ManualClock(1_764_000_000)
        let engine = AnalysisEngine(configuration: LiveAnalyzerConfiguration(maximumSessions: 2, wallClock: { clock.now }),
                                    logger: Logger(label: "test"))
        for session in 1...5 {
            clock.advance(by: 1)
            await engine.process([item(UUID(), session: UInt64(session), sequence: UInt64(session), header)])
        }
        let statistics = await engine.currentStatistics
        XCTAssertEqual(statistics.sessionsOpen, 2)
        XCTAssertEqual(statistics.sessionsStarted, 5)
        XCTAssertEqual(statistics.sessionsEvicted, 3)
    }

    /// A non-capture stream is counted once, whatever it sends afterwards; a stream that lost bytes
    /// before its header was complete is given up (it cannot be resynchronised).
    func testUnreadableStreamsAreCountedOnce() async {
        let engine = AnalysisEngine(configuration: LiveAnalyzerConfiguration(), logger: Logger(label: "test"))
        let text = UUID(), early = UUID()
        await engine.process([
            item(text, session: 1, sequence: 1, Array("GET / HTTP/1.1\r\n".utf8)),
            item(text, session: 1, sequence: 2, Array("Host: example\r\n".utf8)),
            item(early, session: 2, sequence: 3, Array(header.prefix(10))),
            // sequence 4 lost
            item(early, session: 2, sequence: 5, Array(header.suffix(14))),
            item(text, session: 1, sequence: 6, Array("\r\n".utf8)),
        ])
        let statistics = await engine.currentStatistics
        XCTAssertEqual(statistics.nonCaptureSessions, 1)
        XCTAssertEqual(statistics.brokenSessions, 1)
        XCTAssertEqual(statistics.itemsLostInQueue, 1)
        XCTAssertEqual(statistics.ignoredBytes, 16 + 15 + 14 + 2)
        XCTAssertEqual(statistics.packets, 0)
    }
}
