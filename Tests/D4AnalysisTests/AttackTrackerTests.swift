import D4Analysis
import D4Basics
import D4Results
import PacketCapture
import XCTest

final class AttackTrackerTests: XCTestCase {
    private let backscatter = Classification(trafficClass: .backscatter, pattern: .tcpSynAck)

    /// Feeds `count` SYN/ACKs from `victim` at `rate` pps from `start`; returns the events.
    private func feed(_ tracker: inout AttackTracker, victim: String, start: Double, count: Int, rate: Double,
                      port: UInt16 = 80) -> [AttackEvent] {
        var events: [AttackEvent] = []
        for i in 0 ..< count {
            let destination = IPAddress.v4(0xC612_0000 | UInt32(i % 300))
            let packet = PacketFactory.tcp(from: victim, to: destination, sourcePort: port, flags: [.syn, .ack])
            events += tracker.observe(packet, classification: backscatter, at: start + Double(i) / rate)
        }
        return events
    }

    func testAttackOpensWhenThresholdsPassAndClosesAfterIdleTimeout() {
        var tracker = AttackTracker(monitoredShare: .configured(addresses: 65_536))
        let events = feed(&tracker, victim: "192.0.2.10", start: 1000, count: 200, rate: 2)   // 99.5 s
        let opened = events.filter { $0.kind == .opened }
        XCTAssertEqual(opened.count, 1)
        // Opens with the first packet after 60 s (and > 25 packets, rate 2 pps > 0.5).
        XCTAssertEqual(opened.first?.attack.start, 1000)
        XCTAssertGreaterThan(opened.first!.attack.end - 1000, 60)
        XCTAssertLessThanOrEqual(opened.first!.attack.end - 1000, 60.5)

        XCTAssertTrue(tracker.expire(now: 1099.5 + 299).isEmpty, "not idle long enough")
        let closed = tracker.expire(now: 1099.5 + 301)
        XCTAssertEqual(closed.count, 1)
        let attack = closed[0].attack
        XCTAssertEqual(closed[0].kind, .closed)
        XCTAssertEqual(attack.victim, "192.0.2.10")
        XCTAssertEqual(attack.packets, 200)
        XCTAssertEqual(attack.bytes, 200 * 40)
        XCTAssertEqual(attack.start, 1000)
        XCTAssertEqual(attack.end, 1099.5, accuracy: 1e-9)
        XCTAssertEqual(attack.sensorAddresses, 200)
        XCTAssertEqual(attack.ipProtocol, "TCP")
        XCTAssertEqual(attack.ports, [AttackPort(ipProtocol: "TCP", port: 80, service: "http", packets: 200)])
        XCTAssertEqual(attack.responses, [AttackResponse(kind: "SYN/ACK", packets: 200)])
        XCTAssertEqual(attack.peakPacketsPerSecond, 2)
        XCTAssertEqual(attack.meanPacketsPerSecond, 200 / 99.5, accuracy: 1e-9)
        XCTAssertEqual(attack.estimatedPacketsPerSecond!, 200 / 99.5 * 65_536, accuracy: 1e-3)
        XCTAssertEqual(attack.monitoredShareSource, "configured")
        XCTAssertFalse(attack.isOngoing)
        XCTAssertEqual(tracker.trackedVictims, 0)
    }

    func testFlowsBelowAnyThresholdAreNotAttacks() {
        var tracker = AttackTracker()
        // 25 packets over 100 s: not more than 25.
        _ = feed(&tracker, victim: "192.0.2.1", start: 0, count: 25, rate: 0.25)
        // 100 packets in 50 s: too short.
        _ = feed(&tracker, victim: "192.0.2.2", start: 0, count: 100, rate: 2)
        // 30 packets over 290 s: peak per minute 7 packets = 0.12 pps, below 0.5.
        _ = feed(&tracker, victim: "192.0.2.3", start: 0, count: 30, rate: 0.1)
        XCTAssertTrue(tracker.closeAll().isEmpty)
        XCTAssertEqual(tracker.statistics.flowsBelowThresholds, 3)
    }

    func testIdleGapSplitsAttacks() {
        var tracker = AttackTracker()
        var events = feed(&tracker, victim: "192.0.2.20", start: 0, count: 100, rate: 1)
        // Next burst 400 s after the last packet (> 300 s timeout): a second attack.
        events += feed(&tracker, victim: "192.0.2.20", start: 99 + 400, count: 100, rate: 1)
        events += tracker.closeAll()
        let closed = events.filter { $0.kind == .closed }.map(\.attack)
        XCTAssertEqual(closed.map(\.start), [0, 499])
        XCTAssertEqual(closed.map(\.packets), [100, 100])
        XCTAssertNotEqual(closed[0].id, closed[1].id)
    }

    func testUpdatesAreEmittedPeriodicallyWhileRunning() {
        var tracker = AttackTracker(configuration: AttackTrackerConfiguration(updateInterval: 30))
        let events = feed(&tracker, victim: "192.0.2.30", start: 0, count: 300, rate: 1)
        XCTAssertEqual(events.filter { $0.kind == .opened }.count, 1)
        let updates = events.filter { $0.kind == .updated }
        // Opened at t=61; updates at 91, 121, …, 271.
        XCTAssertEqual(updates.count, 7)
        XCTAssertTrue(updates.allSatisfy(\.attack.isOngoing))
        XCTAssertEqual(tracker.ongoingAttacks.count, 1)
    }

    func testICMPErrorVictimIsTheQuotedDestination() {
        var tracker = AttackTracker()
        let quoted = QuotedPacket(source: PacketFactory.sensor, destination: IPAddress("192.0.2.40")!, ipProtocol: 17,
                                  sourcePort: 40_000, destinationPort: 53)
        let classification = Classification(trafficClass: .backscatter, pattern: .icmpError)
        for i in 0 ..< 100 {
            // Sent by the victim's router, about the victim.
            let packet = PacketFactory.icmp(from: "192.0.2.1", type: 3, code: 1, quoted: quoted)
            tracker.observe(packet, classification: classification, at: Double(i)) { _ in }
        }
        let closed = tracker.closeAll()
        XCTAssertEqual(closed.map(\.attack.victim), ["192.0.2.40"])
        XCTAssertEqual(closed.first?.attack.ipProtocol, "UDP")
        XCTAssertEqual(closed.first?.attack.ports.first?.service, "domain")
        XCTAssertEqual(closed.first?.attack.responses.first?.kind, "ICMP 3/1 host unreachable")
    }

    func testScanAndOtherPacketsAreIgnored() {
        var tracker = AttackTracker()
        let scan = Classification(trafficClass: .scan, pattern: .tcpAckOnly, fromKnownScanner: true)
        for i in 0 ..< 500 {
            tracker.observe(PacketFactory.tcp(from: "203.0.113.5", flags: [.ack]), classification: scan,
                            at: Double(i)) { _ in XCTFail("a scan must not make an attack") }
        }
        XCTAssertEqual(tracker.trackedVictims, 0)
        XCTAssertTrue(tracker.closeAll().isEmpty)
    }

    func testVictimTableIsBounded() {
        var tracker = AttackTracker(configuration: AttackTrackerConfiguration(maximumVictims: 10))
        for i in 0 ..< 20 {
            tracker.observe(PacketFactory.tcp(from: "192.0.2.\(i + 1)", flags: [.rst]), classification: backscatter,
                            at: 0) { _ in }
        }
        XCTAssertEqual(tracker.trackedVictims, 10)
        XCTAssertEqual(tracker.statistics.packetsRejectedAtCapacity, 10)
        // Once the first ones expire, new victims get a flow again.
        tracker.observe(PacketFactory.tcp(from: "192.0.2.200", flags: [.rst]), classification: backscatter,
                        at: 400) { _ in }
        XCTAssertEqual(tracker.trackedVictims, 1)
    }
}
