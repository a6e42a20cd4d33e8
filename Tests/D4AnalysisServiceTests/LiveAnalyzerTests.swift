import D4Analysis
@testable import D4AnalysisService
import D4Basics
import D4Queues
import D4Store
import D4StoreSQLite
import Foundation
import Logging
import PacketCapture
import XCTest

/// The built-in analyzer end to end: a generated telescope capture published into a real queue hub
/// as two sensors' frames, analysed live into a real SQLite store, compared with the generator's truth
/// and with the offline analysis of the same packets.
final class LiveAnalyzerTests: XCTestCase {
    typealias Plan = TelescopeScenario.AttackPlan

    static func address(_ text: String) -> UInt32 {
        guard case .v4(let value) = IPAddress(text)! else { fatalError("test victims are IPv4") }
        return value
    }

    /// 40 minutes across a UTC hour boundary: background scans, Mirai, Netis, malformed frames, five
    /// attacks (one victim twice) and one backscatter flow below the thresholds.
    static let scenario = TelescopeScenario(
        seed: 77, start: 1_699_998_400, duration: 2400,
        backgroundRate: 30, scannerPoolSize: 1500, miraiRate: 4, miraiPoolSize: 200, netisRate: 0.5, netisPoolSize: 30,
        malformedRate: 0.2,
        attacks: [
            Plan(victim: address("203.0.113.10"), response: .synAck, victimPort: 80, start: 100, duration: 600, rate: 5),
            Plan(victim: address("203.0.113.20"), response: .icmpPortUnreachable, victimPort: 53, start: 300,
                 duration: 400, rate: 2),
            Plan(victim: address("192.0.2.30"), response: .rstAck, victimPort: 443, start: 800, duration: 300, rate: 10),
            Plan(victim: address("203.0.113.70"), response: .synAck, victimPort: 443, start: 400, duration: 200, rate: 2),
            Plan(victim: address("203.0.113.70"), response: .synAck, victimPort: 443, start: 1100, duration: 300, rate: 2),
            Plan(victim: address("192.0.2.80"), response: .synAck, victimPort: 80, start: 500, duration: 50, rate: 2),
        ])

    static let analysis = TelescopeAnalyzer.Configuration(
        classifier: ClassifierConfiguration(monitored: try! MonitoredSpace(parsing: "198.18.0.0/16")), topPortCount: 20)

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("d4-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    private func offlineResult(of bytes: [UInt8], in directory: URL) throws -> OfflineAnalysisResult {
        let path = directory.appendingPathComponent("combined.pcap").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var offline = OfflineAnalysis(configuration: Self.analysis)
        return offline.run(files: [path])
    }

    func testLiveResultsMatchTruthAndOfflineAnalysis() async throws {
        let directory = try temporaryDirectory()
        let streams = SensorStreams(scenario: Self.scenario)
        let offline = try offlineResult(of: streams.combined, in: directory)
        let store = try SQLiteStore(path: directory.appendingPathComponent("d4.sqlite").path)
        let hub = QueueHub(specs: [LiveAnalyzer.builtinQueueSpec(capacity: 1_000_000)])
        let analyzer = try LiveAnalyzer(hub: hub, store: store,
                                    configuration: LiveAnalyzerConfiguration(analysis: Self.analysis, flushInterval: 0.2,
                                                                             botnetFlushInterval: 0.5),
                                    logger: Logger(label: "test"))
        await analyzer.start()

        // A third sensor streams text on type 1: counted and ignored, the others unaffected.
        let textSensor = UUID()
        var published = 0
        for (index, frame) in streams.frames().enumerated() {
            XCTAssertEqual(hub.publish(.frame(frame)), .accepted)
            published += 1
            if index % 200 == 0 {
                let line = Array("this is not a capture, line \(index)\n".utf8)
                _ = hub.publish(QueueItem(sensor: textSensor, type: 1, session: 99, timestamp: 1_764_000_000, payload: line))
                published += 1
            }
        }
        for (sensor, session) in zip(streams.sensors, streams.sessions) + [(textSensor, UInt64(99))] {
            _ = hub.publish(QueueItem(sensor: sensor, type: 1, session: session, timestamp: 1_764_000_000,
                                      payload: [], isSessionEnd: true))
            published += 1
        }
        let processed = await eventually { await analyzer.statistics.items == published }
        XCTAssertTrue(processed, "the analyzer takes every published item")
        // Running attacks reach the store before the end (live updates, not only at stop).
        let sawLiveRows = try await eventually(timeout: 30) { try await !store.attacks(AttackQuery()).isEmpty }
        XCTAssertTrue(sawLiveRows)
        await analyzer.stop()

        let statistics = await analyzer.statistics
        XCTAssertEqual(statistics.packets, streams.truth.packets, "every record of both streams is analysed")
        XCTAssertEqual(statistics.nonCaptureSessions, 1)
        XCTAssertEqual(statistics.brokenSessions, 0)
        XCTAssertEqual(statistics.itemsLostInQueue, 0)
        XCTAssertEqual(statistics.sessionsStarted, 3)
        XCTAssertEqual(statistics.sessionsEnded, 3)
        XCTAssertEqual(statistics.sessionsOpen, 0)
        XCTAssertEqual(statistics.attacksOngoing, 0)

        let stored = try await store.attacks(AttackQuery(limit: 1000))
        let expected = streams.truth.attacks.filter { $0.plan.duration > 60 && $0.plan.rate * $0.plan.duration > 25 }
        XCTAssertEqual(expected.count, 5)
        XCTAssertEqual(stored.count, expected.count, "stored victims: \(stored.map(\.victim))")
        XCTAssertEqual(Set(stored.map(\.victim)), Set(expected.map(\.victim.description)))
        XCTAssertEqual(Set(stored.map(\.victim)), Set(offline.attacks.map(\.victim)))
        XCTAssertTrue(stored.allSatisfy { !$0.isOngoing }, "stop() closes every attack")
        XCTAssertEqual(statistics.attacksClosed, expected.count)
        for attack in offline.attacks {
            let live = stored.filter { $0.victim == attack.victim && abs($0.start - attack.start) < 1 }
            XCTAssertEqual(live.count, 1, "live attack on \(attack.victim) from \(attack.start)")
            guard let live = live.first else { continue }
            XCTAssertEqual(live.packets, attack.packets, "packets of \(attack.victim)")
            XCTAssertEqual(live.bytes, attack.bytes, "bytes of \(attack.victim)")
            XCTAssertEqual(live.ports.map(\.port), attack.ports.map(\.port))
            XCTAssertEqual(live.responses.map(\.kind), attack.responses.map(\.kind))
            XCTAssertEqual(live.monitoredAddresses, 65_536)
        }

        // Botnet counts: the day is exact (Mirai and Netis sources are counted exactly); hours may move a
        // packet or two across the boundary when the two sensors' frames interleave, their sum may not.
        let days = try await store.botnetCounts(period: .day, since: nil, until: nil)
        XCTAssertEqual(days.count, 1)
        XCTAssertEqual(days.first?.miraiSources, streams.truth.miraiSources.count)
        XCTAssertEqual(days.first?.netisSources, streams.truth.netisSources.count)
        XCTAssertEqual(days.first?.miraiSources, offline.botnets.daily.first?.miraiSources)
        XCTAssertEqual(days.first?.scanPackets, offline.botnets.daily.first?.scanPackets)
        XCTAssertEqual(days.first?.isComplete, true)
        let hours = try await store.botnetCounts(period: .hour, since: nil, until: nil)
        XCTAssertEqual(hours.map(\.start), offline.botnets.hourly.map(\.start))
        XCTAssertEqual(hours.map(\.scanPackets).reduce(0, +), offline.botnets.hourly.map(\.scanPackets).reduce(0, +))
        XCTAssertTrue(hours.allSatisfy(\.isComplete))
        XCTAssertGreaterThan(statistics.botnetRowsWritten, 0)
    }

    /// With no traffic, attacks close on the idle timeout measured by the wall clock.
    func testIdleAttackClosesByWallClock() async throws {
        let directory = try temporaryDirectory()
        let scenario = TelescopeScenario(
            seed: 3, start: 1_700_000_000, duration: 300, backgroundRate: 5,
            attacks: [Plan(victim: Self.address("203.0.113.99"), response: .rst, victimPort: 22, start: 10,
                           duration: 200, rate: 3)])
        let streams = SensorStreams(scenario: scenario)
        let clock = ManualClock(1_764_000_000)
        let store = try SQLiteStore(path: directory.appendingPathComponent("d4.sqlite").path)
        let hub = QueueHub(specs: [LiveAnalyzer.builtinQueueSpec()])
        let analyzer = try LiveAnalyzer(
            hub: hub, store: store,
            configuration: LiveAnalyzerConfiguration(analysis: Self.analysis, flushInterval: 0.05,
                                                     wallClock: { clock.now }),
            logger: Logger(label: "test"))
        await analyzer.start()
        let frames = streams.frames()
        for frame in frames { _ = hub.publish(.frame(frame)) }
        let processed = await eventually { await analyzer.statistics.items == frames.count }
        XCTAssertTrue(processed)

        let running = try await eventually(timeout: 30) {
            try await store.attacks(AttackQuery(ongoing: true)).map(\.victim) == ["203.0.113.99"]
        }
        XCTAssertTrue(running, "the running attack is stored as ongoing")
        clock.advance(by: 400)   // past the 300 s idle timeout after the last backscatter packet
        let closed = try await eventually(timeout: 30) {
            try await store.attacks(AttackQuery(ongoing: false)).map(\.victim) == ["203.0.113.99"]
        }
        XCTAssertTrue(closed, "the idle attack is closed without further traffic and without stop()")
        await analyzer.stop()
        let attacks = try await store.attacks(AttackQuery())
        XCTAssertEqual(attacks.count, 1)
        XCTAssertEqual(attacks.first?.packets, streams.truth.attacks.first?.packets)
    }

    /// A tiny drop-oldest queue overflowing while ingest publishes: nothing stalls or crashes, every drop
    /// is seen by the analyzer as lost items, and the session-end markers (never dropped) all arrive.
    func testOverflowingQueueDropsAreCountedAndNeverBlock() async throws {
        let directory = try temporaryDirectory()
        let streams = SensorStreams(scenario: TelescopeScenario(seed: 21, start: 1_700_000_000, duration: 900,
                                                               backgroundRate: 40, malformedRate: 0.5))
        let store = try SQLiteStore(path: directory.appendingPathComponent("d4.sqlite").path)
        let hub = QueueHub(specs: [LiveAnalyzer.builtinQueueSpec(capacity: 4)])
        let analyzer = try LiveAnalyzer(hub: hub, store: store,
                                        configuration: LiveAnalyzerConfiguration(analysis: Self.analysis, batchSize: 2),
                                        logger: Logger(label: "test"))
        await analyzer.start()
        for frame in streams.frames(maximumFrame: 800) {
            XCTAssertEqual(hub.publish(.frame(frame)), .accepted, "a drop-oldest queue never refuses a frame")
        }
        for (sensor, session) in zip(streams.sensors, streams.sessions) {
            _ = hub.publish(QueueItem(sensor: sensor, type: 1, session: session, timestamp: 1_764_000_000,
                                      payload: [], isSessionEnd: true))
        }
        let ended = await eventually { await analyzer.statistics.sessionsEnded == 2 }
        XCTAssertTrue(ended, "both end markers arrive")
        await analyzer.stop()
        let statistics = await analyzer.statistics
        print("overflow: \(statistics.items) items analysed, \(statistics.queueDropped) dropped, "
              + "\(statistics.resynchronizations) resynchronisations, \(statistics.brokenSessions) sessions given up, "
              + "\(statistics.packets) of \(streams.truth.packets) packets analysed")
        XCTAssertEqual(statistics.itemsLostInQueue, statistics.queueDropped, "every drop is seen as a gap")
        XCTAssertEqual(statistics.items + statistics.queueDropped, streams.frames(maximumFrame: 800).count + 2)
        XCTAssertLessThanOrEqual(statistics.packets, streams.truth.packets)
        XCTAssertEqual(statistics.sessionsOpen, 0)
    }

    /// Items lost by the queue: the streams find their record boundaries again and go on.
    func testLostItemsResynchroniseTheStreams() async throws {
        let scenario = TelescopeScenario(seed: 11, start: 1_700_000_000, duration: 600, backgroundRate: 40,
                                         malformedRate: 0.5)
        let streams = SensorStreams(scenario: scenario)
        let engine = AnalysisEngine(configuration: LiveAnalyzerConfiguration(analysis: Self.analysis),
                                    logger: Logger(label: "test"))
        let frames = streams.frames(maximumFrame: 1500)
        let lost = frames.count / 3 ..< frames.count / 3 + 5
        var sequence: UInt64 = 0
        var delivered: [QueueItem] = []
        var positions = [0, 0]
        var lostRanges: [[Range<Int>]] = [[], []]
        for (index, frame) in frames.enumerated() {
            sequence += 1
            let stream = frame.sensor == streams.sensors[0] ? 0 : 1
            let range = positions[stream] ..< positions[stream] + frame.payload.count
            positions[stream] = range.upperBound
            if lost.contains(index) {
                lostRanges[stream].append(range)
                continue
            }
            delivered.append(.frame(frame, sequence: sequence))
        }
        await engine.process(delivered)
        let statistics = await engine.currentStatistics
        XCTAssertEqual(statistics.itemsLostInQueue, 5)
        XCTAssertEqual(statistics.brokenSessions, 0)
        XCTAssertEqual(statistics.nonCaptureSessions, 0)
        XCTAssertEqual(statistics.resynchronizations, 2, "both streams look for a boundary after the gap")
        // Lost for sure: records with a byte in a lost frame. At most one more per stream: the record
        // in flight when the gap was noticed, in a stream that lost nothing itself.
        var touched = 0
        for stream in 0..<2 {
            let offsets = streams.recordOffsets[stream]
            for (i, start) in offsets.enumerated() {
                let end = i + 1 < offsets.count ? offsets[i + 1] : streams.streams[stream].count
                if lostRanges[stream].contains(where: { $0.overlaps(start ..< end) }) { touched += 1 }
            }
        }
        XCTAssertGreaterThan(touched, 0)
        XCTAssertLessThanOrEqual(statistics.packets, streams.truth.packets - touched)
        XCTAssertGreaterThanOrEqual(statistics.packets, streams.truth.packets - touched - 2)
    }
}
