import D4TestSupport
import D4Analysis
import D4Basics
import Foundation
import PacketCapture
import XCTest

/// Classification of the real captures in shared/data/ddos (StopDDoS "DDoS Packet Capture Collection",
/// L.F. Haaijer, 2022) against the figures tshark 4.0 reports for them (shared/data/README.md).
final class RealCaptureTests: XCTestCase {
    struct Tally {
        var packets: [PacketPattern: Int] = [:]
        var sources: [PacketPattern: Set<IPAddress>] = [:]
        var ipv4 = 0
        var notIPv4 = 0

        func count(_ patterns: PacketPattern...) -> Int { patterns.reduce(0) { $0 + (packets[$1] ?? 0) } }
        func distinctSources(_ patterns: PacketPattern...) -> Int {
            patterns.reduce(into: Set<IPAddress>()) { $0.formUnion(sources[$1] ?? []) }.count
        }
    }

    /// Runs the whole offline analysis and tallies IPv4 packets per pattern (tshark's figures are IPv4).
    private func analyse(_ name: String) throws -> (Tally, OfflineAnalysisResult) {
        let path = SharedData.ddosCapture(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) not found: shared/ is expected beside the repository")
        }
        var tally = Tally()
        var classifier = BackscatterClassifier()
        var reader = try CaptureFileReader(path: path)
        _ = try reader.forEachRecord { record in
            guard let packet = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes).packet,
                  packet.source.isV4 else {
                tally.notIPv4 += 1
                return
            }
            tally.ipv4 += 1
            let time = Double(record.timestampSeconds) + Double(record.timestampNanoseconds) * 1e-9
            let verdict = classifier.classify(packet, at: time)
            tally.packets[verdict.pattern, default: 0] += 1
            tally.sources[verdict.pattern, default: []].insert(packet.source)
        }
        var analysis = OfflineAnalysis()
        let result = analysis.run(files: [path])
        XCTAssertTrue(result.files.allSatisfy { $0.problem == nil }, "\(result.files)")
        return (tally, result)
    }

    func testReflectionCaptureMatchesTshark() throws {
        let (tally, result) = try analyse("amp.TCP.reflection.SYNACK.pcap")
        XCTAssertEqual(tally.count(.tcpSynAck), 6651)
        XCTAssertEqual(tally.distinctSources(.tcpSynAck), 6035)
        XCTAssertEqual(tally.count(.tcpRst, .tcpRstAck), 1018)
        XCTAssertEqual(tally.distinctSources(.tcpRst, .tcpRstAck), 991)
        XCTAssertEqual(tally.count(.udpProbe, .udpReply, .udpNetis), 163)
        XCTAssertEqual(tally.distinctSources(.udpProbe, .udpReply, .udpNetis), 17)
        XCTAssertEqual(tally.count(.tcpAckOnly), 9)
        XCTAssertEqual(tally.count(.tcpLoneSyn), 1)
        XCTAssertEqual(tally.notIPv4, 4)
        // tshark's "non-first fragments 154" are 1 fragment plus 153 ICMP errors (ip.frag_offset>0 matches
        // the single fragment; 153 frames are ICMP type 3 quoting UDP/TCP).
        XCTAssertEqual(tally.count(.fragment), 1)
        XCTAssertEqual(tally.count(.icmpError), 153)
        // Backscatter replies dominate, but 0.15 s is far too short for an attack.
        XCTAssertEqual(result.counts.packets(matching: .tcpSynAck), 6651)
        XCTAssertGreaterThan(result.counts.packets(in: .backscatter), 7000)
        XCTAssertTrue(result.attacks.isEmpty)
    }

    func testReflectionCaptureMakesAttacksOnlyWithThresholdsOff() throws {
        let path = SharedData.ddosCapture("amp.TCP.reflection.SYNACK.pcap")
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not found") }
        var analysis = OfflineAnalysis(configuration: .init(tracker: AttackTrackerConfiguration(
            minimumPackets: 3, minimumDuration: 0, minimumPeakRate: 0)))
        let result = analysis.run(files: [path])
        XCTAssertFalse(result.attacks.isEmpty)
        XCTAssertTrue(result.attacks.allSatisfy { $0.packets > 3 })
        XCTAssertTrue(result.attacks.allSatisfy { $0.end - $0.start < 0.2 })
    }

    func testSynFloodCaptureProducesNoBackscatterAttack() throws {
        let (tally, result) = try analyse("pkt.TCP.synflood.spoofed.pcap")
        XCTAssertEqual(tally.count(.tcpLoneSyn), 37_841)
        XCTAssertEqual(tally.distinctSources(.tcpLoneSyn), 37_623)
        XCTAssertEqual(result.counts.packets(in: .backscatter), 0)
        XCTAssertEqual(result.counts.packets(in: .scan), 37_841)
        XCTAssertTrue(result.attacks.isEmpty)
        XCTAssertEqual(result.trackerStatistics.flowsStarted, 0)
    }

    func testFragmentedDNSCaptureMatchesTshark() throws {
        let (tally, result) = try analyse("amp.dns.RRSIG.fragmented.pcap")
        // tshark's "ACK-only" here = ACK without SYN/RST: flags 0x010, 0x018, 0x011, 0x019.
        XCTAssertEqual(tally.count(.tcpAckOnly, .tcpMaimon, .tcpOtherFlags), 2702)
        XCTAssertEqual(tally.distinctSources(.tcpAckOnly, .tcpMaimon, .tcpOtherFlags), 32)
        XCTAssertEqual(tally.count(.tcpLoneSyn), 287)
        XCTAssertEqual(tally.distinctSources(.tcpLoneSyn), 140)
        XCTAssertEqual(tally.count(.tcpRst, .tcpRstAck), 82)
        XCTAssertEqual(tally.distinctSources(.tcpRst, .tcpRstAck), 12)
        XCTAssertEqual(tally.count(.tcpSynAck), 22)
        XCTAssertEqual(tally.distinctSources(.tcpSynAck), 10)
        XCTAssertEqual(tally.count(.icmpEchoRequest), 7)
        XCTAssertEqual(tally.notIPv4, 15)
        XCTAssertTrue(result.attacks.isEmpty, "30 s of capture cannot hold a > 60 s attack")
    }

    func testIsakmpReflectionIsUDPOnly() throws {
        let (tally, result) = try analyse("amp.UDP.isakmp.pcap")
        XCTAssertEqual(tally.count(.udpProbe, .udpReply, .udpNetis), 3984)
        XCTAssertEqual(tally.distinctSources(.udpProbe, .udpReply, .udpNetis), 2767)
        XCTAssertEqual(result.counts.packets(in: .backscatter), 0)
        XCTAssertTrue(result.attacks.isEmpty)
    }

    func testAllCapturesTogetherAndUnreadableInputsAreReportedNotFatal() throws {
        let folder = SharedData.root.appendingPathComponent("data/ddos").path
        guard FileManager.default.fileExists(atPath: folder) else { throw XCTSkip("\(folder) not found") }
        let files = try CaptureInputs.expand([folder])
        XCTAssertEqual(files.count, 4)
        let bogus = FileManager.default.temporaryDirectory.appendingPathComponent("d4-not-a-capture-\(UUID()).pcap").path
        try Data("this is not a capture".utf8).write(to: URL(fileURLWithPath: bogus))
        defer { try? FileManager.default.removeItem(atPath: bogus) }
        var analysis = OfflineAnalysis()
        let result = analysis.run(files: files + [bogus, "/nonexistent/d4.pcap"])
        XCTAssertEqual(result.counts.records, 8000 + 37_841 + 4412 + 3984)
        XCTAssertEqual(result.unreadableFiles.map(\.path), [bogus, "/nonexistent/d4.pcap"])
        XCTAssertTrue(result.unreadableFiles.allSatisfy { !($0.problem ?? "").isEmpty })
        XCTAssertThrowsError(try CaptureInputs.expand(["/nonexistent/folder"]))
    }
}
