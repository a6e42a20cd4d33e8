import D4Analysis
import D4TestSupport
import PacketCapture
import XCTest

/// Many victims starting and ending in random order: every packet must land in its own victim's
/// attack however the tracker's flow table reorganises itself (removal from the middle, table growth,
/// collisions between IPv4 and IPv6 keys).
final class AttackTrackerChurnTests: XCTestCase {
    func testEveryPacketCountsForItsVictimUnderChurn() {
        // Every flow is an attack as soon as it has two packets, so each victim's total is reported.
        let configuration = AttackTrackerConfiguration(idleTimeout: 50, minimumPackets: 1, minimumDuration: 0,
                                                        minimumPeakRate: 0)
        var tracker = AttackTracker(configuration: configuration)
        let backscatter = Classification(trafficClass: .backscatter, pattern: .tcpSynAck)
        var generator = SeededGenerator(seed: 99)
        var sent: [String: Int] = [:]
        var reported: [String: Int] = [:]
        var time = 0.0
        func record(_ events: [AttackEvent]) {
            for event in events where event.kind == .closed { reported[event.attack.victim, default: 0] += event.attack.packets }
        }
        for round in 0 ..< 40 {
            // Each round: a random set of victims sends a few packets, then time jumps so that some
            // victims (those of earlier rounds) expire while others continue.
            for _ in 0 ..< 400 {
                let n = Int(generator.next() % 1500)
                let victim = n % 3 == 0 ? "2001:db8::\(String(n, radix: 16))" : "198.51.\(n / 256).\(n % 256)"
                let packet = PacketFactory.tcp(from: victim, sourcePort: 443, flags: [.syn, .ack])
                record(tracker.observe(packet, classification: backscatter, at: time))
                sent[packet.source.description, default: 0] += 1
                time += 0.05
            }
            if round % 3 == 2 { time += 60 }
            record(tracker.expire(now: time))
        }
        record(tracker.closeAll())
        XCTAssertEqual(tracker.trackedVictims, 0)
        // A victim seen once in a flow never becomes an attack (one packet is not more than one);
        // compare only flows that reached two packets: every reported packet was sent, and a victim
        // with many packets is fully reported.
        XCTAssertFalse(reported.isEmpty)
        for (victim, packets) in reported {
            XCTAssertLessThanOrEqual(packets, sent[victim] ?? 0, victim)
        }
        let singlesDropped = sent.values.reduce(0, +) - reported.values.reduce(0, +)
        XCTAssertEqual(singlesDropped, tracker.statistics.flowsBelowThresholds, "only one-packet flows go unreported")
    }
}
