import D4Analysis
import D4Basics
import D4Results
import Foundation
import PacketCapture
import XCTest

/// The analysis against a generated telescope capture whose content is known exactly.
final class GeneratedTelescopeAccuracyTests: XCTestCase {
    typealias Plan = TelescopeScenario.AttackPlan

    static func victim(_ text: String) -> UInt32 {
        guard case .v4(let value) = IPAddress(text)! else { fatalError("test victims are IPv4") }
        return value
    }

    /// 40 minutes from 21:46:40 UTC (spans two hours): background scanning, Mirai, Netis, malformed
    /// frames, two SYN+ACK scanners, eight attacks (one victim twice, 500 s apart) and two
    /// backscatter flows below the thresholds.
    static let scenario = TelescopeScenario(
        seed: 42, start: 1_699_998_400, duration: 2400,
        backgroundRate: 40, scannerPoolSize: 2000, miraiRate: 5, miraiPoolSize: 300, netisRate: 0.5, netisPoolSize: 40,
        malformedRate: 0.2,
        attacks: [
            Plan(victim: victim("203.0.113.10"), response: .synAck, victimPort: 80, start: 100, duration: 600, rate: 5),
            Plan(victim: victim("203.0.113.20"), response: .icmpPortUnreachable, victimPort: 53, start: 300,
                 duration: 400, rate: 2),
            Plan(victim: victim("192.0.2.30"), response: .rstAck, victimPort: 443, start: 800, duration: 300, rate: 10),
            Plan(victim: victim("192.0.2.40"), response: .rst, victimPort: 22, start: 1000, duration: 200, rate: 1),
            Plan(victim: victim("192.0.2.50"), response: .icmpHostUnreachable, victimPort: 25565, start: 1500,
                 duration: 500, rate: 3),
            Plan(victim: victim("192.0.2.60"), response: .echoReply, victimPort: 0, start: 200, duration: 100, rate: 4),
            Plan(victim: victim("203.0.113.70"), response: .synAck, victimPort: 443, start: 400, duration: 200, rate: 2),
            Plan(victim: victim("203.0.113.70"), response: .synAck, victimPort: 443, start: 1100, duration: 300, rate: 2),
            // Below the thresholds: too short, then too slow.
            Plan(victim: victim("192.0.2.80"), response: .synAck, victimPort: 80, start: 500, duration: 50, rate: 2),
            Plan(victim: victim("192.0.2.81"), response: .rst, victimPort: 80, start: 600, duration: 200, rate: 0.1),
        ],
        ackScanners: [
            .init(source: victim("198.51.100.77"), start: 50, duration: 1200, rate: 3),
            .init(source: victim("198.51.100.78"), start: 900, duration: 600, rate: 10),
        ])

    struct Run {
        var truth: GeneratedTrafficTruth
        var result: OfflineAnalysisResult
        var events: [AttackEvent]
    }

    private func analyse(monitored: String?) throws -> Run {
        var generator = TelescopeTrafficGenerator(scenario: Self.scenario)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("d4-analysis-\(UUID().uuidString).pcap").path
        let truth = try generator.writeCapture(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let space = try monitored.map { try MonitoredSpace(parsing: $0) }
        var analysis = OfflineAnalysis(configuration: .init(classifier: ClassifierConfiguration(monitored: space),
                                                           topPortCount: 30))
        let result = analysis.run(files: [path])
        return Run(truth: truth, result: result, events: [])
    }

    func testAttacksMatchTheGeneratedGroundTruth() throws {
        let run = try analyse(monitored: "198.18.0.0/16")
        let truth = run.truth
        let expected = truth.attacks.filter { $0.plan.duration > 60 && $0.plan.rate * $0.plan.duration > 25 }
        XCTAssertEqual(expected.count, 8)
        let attacks = run.result.attacks
        XCTAssertEqual(attacks.count, expected.count, "victims: \(attacks.map(\.victim))")
        XCTAssertEqual(Set(attacks.map(\.victim)), Set(expected.map(\.victim.description)))

        for plan in expected {
            let matches = attacks.filter { $0.victim == plan.victim.description && abs($0.start - plan.first) <= plan.interval }
            XCTAssertEqual(matches.count, 1, "attack on \(plan.victim) from \(plan.first)")
            guard let attack = matches.first else { continue }
            XCTAssertEqual(attack.start, plan.first, accuracy: plan.interval, "start of \(plan.victim)")
            XCTAssertEqual(attack.end, plan.last, accuracy: plan.interval, "end of \(plan.victim)")
            XCTAssertEqual(attack.packets, plan.packets, "packets of \(plan.victim)")
            XCTAssertEqual(attack.bytes, plan.bytes, "bytes of \(plan.victim)")
            XCTAssertGreaterThan(attack.sensorAddresses, plan.packets * 9 / 10, "random sensor addresses of a /16")
            XCTAssertEqual(attack.monitoredAddresses, 65_536)
            XCTAssertEqual(attack.estimatedPacketsPerSecond!, attack.meanPacketsPerSecond * 65_536, accuracy: 1e-6)
            XCTAssertEqual(attack.meanPacketsPerSecond, plan.plan.rate, accuracy: plan.plan.rate * 0.02)
            if plan.plan.victimPort != 0 {
                XCTAssertEqual(attack.ports.map(\.port), [plan.plan.victimPort])
            }
        }
        // The ICMP host-unreachable attack is attributed to the quoted victim, not its router.
        XCTAssertTrue(attacks.contains { $0.victim == "192.0.2.50" && $0.ipProtocol == "TCP" })
        XCTAssertTrue(attacks.contains { $0.victim == "203.0.113.20" && $0.ipProtocol == "UDP" })
        XCTAssertEqual(run.result.trackerStatistics.flowsBelowThresholds, 2)
    }

    func testScannersNeverMakeAttacksAndCountsMatch() throws {
        let run = try analyse(monitored: "198.18.0.0/16")
        let truth = run.truth
        let counts = run.result.counts
        XCTAssertFalse(run.result.attacks.contains { $0.victim.hasPrefix("198.51.100.") }, "ACK scanners are scans")
        // Every packet's pattern is what the generator wrote.
        for pattern in PacketPattern.allCases {
            XCTAssertEqual(counts.packets(matching: pattern), truth.packets(matching: pattern), pattern.rawValue)
        }
        XCTAssertEqual(counts.records, truth.packets)
        XCTAssertEqual(counts.malformed, truth.malformedPackets)
        // Backscatter = exactly the attack packets; every ACK probe was recognised as scanning.
        XCTAssertEqual(counts.packets(in: .backscatter), truth.attacks.reduce(0) { $0 + $1.packets })
        XCTAssertEqual(counts.fromKnownScanner, truth.packets(matching: .tcpAckOnly))
        XCTAssertGreaterThan(truth.ackScannerPackets, 1000)
        XCTAssertEqual(counts.packets(in: .other), 0)
    }

    func testBotnetCapacityMatchesTheGeneratedSources() throws {
        let run = try analyse(monitored: nil)
        let botnets = run.result.botnets
        XCTAssertEqual(botnets.hourly.count, 2, "21:46:40–22:26:40 spans two hours")
        XCTAssertEqual(botnets.daily.count, 1)
        XCTAssertEqual(botnets.daily[0].miraiSources, run.truth.miraiSources.count)
        XCTAssertEqual(botnets.daily[0].netisSources, run.truth.netisSources.count)
        XCTAssertEqual(botnets.daily[0].miraiPackets, run.truth.packets(matching: .tcpMiraiSyn))
        XCTAssertEqual(botnets.hourly.reduce(0) { $0 + $1.miraiPackets }, run.truth.packets(matching: .tcpMiraiSyn))
        // Only Mirai scanners (80 % of their SYNs go to 23) and the two SYN+ACK scanners (walking ports
        // 1–1024) probe telnet in this scenario.
        let telnet = try XCTUnwrap(botnets.daily[0].topPorts.first { $0.port == 23 && $0.ipProtocol == "TCP" })
        // Distinct scanners per port are HyperLogLog estimates (256 registers): within 7 %.
        let telnetCeiling = Double(run.truth.miraiSources.count + Self.scenario.ackScanners.count)
        XCTAssertLessThanOrEqual(Double(telnet.sources), telnetCeiling * 1.07)
        XCTAssertGreaterThan(Double(telnet.sources), Double(run.truth.miraiSources.count) * 0.9 * 0.93)
        XCTAssertEqual(telnet.service, "telnet")
        // Without --monitored, the share is estimated from the distinct destinations seen and said so.
        // n packets to random addresses of a /16 reach 65536 × (1 − e^(−n/65536)) distinct ones.
        guard case .estimatedFromDestinations(let estimate) = run.result.monitoredShare else {
            return XCTFail("expected an estimated share, got \(run.result.monitoredShare)")
        }
        let sent = Double(run.truth.packets - run.truth.malformedPackets)
        let expectedDistinct = 65_536 * (1 - exp(-sent / 65_536))
        XCTAssertEqual(Double(estimate), expectedDistinct, accuracy: expectedDistinct * 0.05)
        XCTAssertTrue(run.result.attacks.allSatisfy { $0.monitoredShareSource == "estimated-from-destinations" })
        XCTAssertTrue(AnalysisSummaryText.render(run.result).contains("estimated from"))
    }

    func testLiveDrivingGivesTheSameAttacksAsOffline() throws {
        // The server's way: packets one by one, expire() from a clock, events as they happen.
        var generator = TelescopeTrafficGenerator(scenario: Self.scenario)
        let bytes = generator.captureBytes()
        var reader = try CaptureFileReader(bytes: bytes)
        var analyzer = TelescopeAnalyzer()
        var opened: [String] = [], closed: [Attack] = []
        _ = try reader.forEachRecord { record in
            analyzer.observe(record: record) { event in
                switch event.kind {
                case .opened: opened.append(event.attack.victim)
                case .closed: closed.append(event.attack)
                case .updated: XCTAssertTrue(event.attack.isOngoing)
                }
            }
        }
        // After the input, a clock far enough ahead closes everything without closeAll().
        analyzer.expire(now: Self.scenario.start + Self.scenario.duration + 301) { event in
            if event.kind == .closed { closed.append(event.attack) }
        }
        XCTAssertEqual(analyzer.tracker.trackedVictims, 0)
        XCTAssertEqual(opened.count, 8)
        XCTAssertEqual(closed.count, 8)
        XCTAssertEqual(Set(opened), Set(closed.map(\.victim)))
    }
}
