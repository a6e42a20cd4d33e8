import D4Analysis
import D4Basics
import PacketCapture
import XCTest

final class BackscatterClassifierTests: XCTestCase {
    private func classify(_ packet: DissectedPacket, _ classifier: inout BackscatterClassifier,
                          at time: Double = 100) -> Classification {
        classifier.classify(packet, at: time)
    }

    func testTCPReplyPatternsAreBackscatter() {
        var classifier = BackscatterClassifier()
        let cases: [(TCPFlags, PacketPattern)] = [
            ([.syn, .ack], .tcpSynAck), ([.rst], .tcpRst), ([.rst, .ack], .tcpRstAck), ([.ack], .tcpAckOnly),
            ([.ack, .psh], .tcpAckOnly), ([.syn, .ack, .ece], .tcpSynAck),
        ]
        for (flags, pattern) in cases {
            let verdict = classify(PacketFactory.tcp(from: "192.0.2.1", flags: flags), &classifier)
            XCTAssertEqual(verdict.pattern, pattern, "flags \(flags.rawValue)")
            XCTAssertEqual(verdict.trafficClass, .backscatter, "flags \(flags.rawValue)")
        }
    }

    func testProbePatternsAreScans() {
        var classifier = BackscatterClassifier()
        let cases: [(TCPFlags, PacketPattern)] = [
            ([.syn], .tcpLoneSyn), ([], .tcpNull), ([.fin], .tcpFin), ([.fin, .psh, .urg], .tcpXmas),
            ([.fin, .ack], .tcpMaimon), ([.syn, .fin], .tcpOtherFlags), ([.psh], .tcpOtherFlags),
        ]
        for (index, (flags, pattern)) in cases.enumerated() {
            let verdict = classify(PacketFactory.tcp(from: "203.0.113.\(index + 1)", sourcePort: 50_000,
                                                     destinationPort: 22, flags: flags), &classifier)
            XCTAssertEqual(verdict.pattern, pattern, "flags \(flags.rawValue)")
            XCTAssertEqual(verdict.trafficClass, .scan, "flags \(flags.rawValue)")
        }
    }

    func testMiraiFingerprintNeedsSequenceEqualToDestination() {
        var classifier = BackscatterClassifier()
        guard case .v4(let sensorValue) = PacketFactory.sensor else { return XCTFail("sensor must be IPv4") }
        let mirai = PacketFactory.tcp(from: "203.0.113.9", destinationPort: 23, flags: [.syn], sequence: sensorValue)
        XCTAssertEqual(classify(mirai, &classifier).pattern, .tcpMiraiSyn)
        let variant = PacketFactory.tcp(from: "203.0.113.9", destinationPort: 7547, flags: [.syn], sequence: sensorValue)
        XCTAssertEqual(classify(variant, &classifier).pattern, .tcpMiraiSyn)
        let otherSequence = PacketFactory.tcp(from: "203.0.113.9", destinationPort: 23, flags: [.syn], sequence: 12345)
        XCTAssertEqual(classify(otherSequence, &classifier).pattern, .tcpLoneSyn)
        let otherPort = PacketFactory.tcp(from: "203.0.113.9", destinationPort: 443, flags: [.syn], sequence: sensorValue)
        XCTAssertEqual(classify(otherPort, &classifier).pattern, .tcpLoneSyn)
    }

    func testNetisAndUDPProbesAndReplies() {
        var classifier = BackscatterClassifier()
        XCTAssertEqual(classify(PacketFactory.udp(from: "203.0.113.3", destinationPort: 53413), &classifier).pattern,
                       .udpNetis)
        let probe = classify(PacketFactory.udp(from: "203.0.113.4", destinationPort: 161), &classifier)
        XCTAssertEqual(probe.pattern, .udpProbe)
        XCTAssertEqual(probe.trafficClass, .scan)
        let reply = classify(PacketFactory.udp(from: "192.0.2.5", sourcePort: 53, destinationPort: 41_000), &classifier)
        XCTAssertEqual(reply.pattern, .udpReply)
        XCTAssertEqual(reply.trafficClass, .other)
    }

    func testICMPRules() {
        var classifier = BackscatterClassifier()
        let echoReply = classify(PacketFactory.icmp(from: "192.0.2.8", type: 0), &classifier)
        XCTAssertEqual(echoReply.trafficClass, .backscatter)
        XCTAssertEqual(echoReply.pattern, .icmpEchoReply)

        // An error quoting a packet spoofed with the sensor's own address: backscatter.
        let spoofed = QuotedPacket(source: PacketFactory.sensor, destination: IPAddress("192.0.2.9")!, ipProtocol: 17,
                                   sourcePort: 40_000, destinationPort: 53)
        let error = classify(PacketFactory.icmp(from: "192.0.2.9", type: 3, code: 3, quoted: spoofed), &classifier)
        XCTAssertEqual(error.trafficClass, .backscatter)
        XCTAssertEqual(error.pattern, .icmpError)

        // An error quoting somebody else's packet is misdirected: other.
        let foreign = QuotedPacket(source: IPAddress("203.0.113.50")!, destination: IPAddress("192.0.2.9")!,
                                   ipProtocol: 6)
        let misdirected = classify(PacketFactory.icmp(from: "192.0.2.9", type: 11, quoted: foreign), &classifier)
        XCTAssertEqual(misdirected.trafficClass, .other)
        XCTAssertTrue(misdirected.quotesForeignPacket)

        // ICMPv6 errors and echo replies follow the same rules with their own type numbers.
        let v6Sensor = IPAddress("2001:db8::7")!
        let v6Quoted = QuotedPacket(source: v6Sensor, destination: IPAddress("2001:db8:1::9")!, ipProtocol: 17)
        XCTAssertEqual(classify(PacketFactory.icmp(from: "2001:db8:1::9", to: v6Sensor, type: 1, code: 4, isV6: true,
                                                   quoted: v6Quoted), &classifier).trafficClass, .backscatter)
        XCTAssertEqual(classify(PacketFactory.icmp(from: "2001:db8:1::9", to: v6Sensor, type: 129, isV6: true),
                                &classifier).pattern, .icmpEchoReply)
        XCTAssertEqual(classify(PacketFactory.icmp(from: "203.0.113.60", type: 8), &classifier).trafficClass, .scan)
        XCTAssertEqual(classify(PacketFactory.icmp(from: "203.0.113.60", type: 13), &classifier).trafficClass, .other)
    }

    func testKnownScannerBackscatterShapedPacketsCountAsScan() {
        var classifier = BackscatterClassifier(configuration: ClassifierConfiguration(scannerRetention: 600))
        let scanner = "203.0.113.77"
        XCTAssertEqual(classify(PacketFactory.tcp(from: scanner, sourcePort: 41_000, destinationPort: 80, flags: [.syn]),
                                &classifier, at: 1000).trafficClass, .scan)
        let ackProbe = classify(PacketFactory.tcp(from: scanner, sourcePort: 41_000, destinationPort: 81, flags: [.ack]),
                                &classifier, at: 1010)
        XCTAssertEqual(ackProbe.trafficClass, .scan)
        XCTAssertTrue(ackProbe.fromKnownScanner)
        XCTAssertEqual(ackProbe.pattern, .tcpAckOnly, "the pattern stays what the packet looks like")
        // Forgotten after the retention window (at most twice the retention).
        let later = classify(PacketFactory.tcp(from: scanner, flags: [.ack]), &classifier, at: 1000 + 1201)
        XCTAssertEqual(later.trafficClass, .backscatter)
        // An unrelated host's ACK is backscatter all along.
        XCTAssertEqual(classify(PacketFactory.tcp(from: "192.0.2.99", flags: [.ack]), &classifier, at: 1011).trafficClass,
                       .backscatter)
    }

    func testMonitoredSpaceExcludesOtherDestinations() throws {
        let space = try MonitoredSpace(parsing: "198.18.0.0/16")
        var classifier = BackscatterClassifier(configuration: ClassifierConfiguration(monitored: space))
        XCTAssertEqual(classify(PacketFactory.tcp(from: "192.0.2.1", flags: [.syn, .ack]), &classifier).trafficClass,
                       .backscatter)
        let outside = classify(PacketFactory.tcp(from: "192.0.2.1", to: IPAddress("8.8.8.8")!, flags: [.syn, .ack]),
                               &classifier)
        XCTAssertEqual(outside.trafficClass, .other)
        XCTAssertTrue(outside.outsideMonitoredSpace)
        XCTAssertFalse(outside.reason.isEmpty)
    }

    func testFragmentsAndOtherProtocolsAreOther() {
        var classifier = BackscatterClassifier()
        let fragment = DissectedPacket(source: IPAddress("192.0.2.1")!, destination: PacketFactory.sensor, ipProtocol: 17,
                                       ttl: 50, ipLength: 1000, fragmentOffset: 1480, transport: .fragment(ipProtocol: 17))
        XCTAssertEqual(classify(fragment, &classifier).pattern, .fragment)
        let gre = DissectedPacket(source: IPAddress("192.0.2.1")!, destination: PacketFactory.sensor, ipProtocol: 47,
                                  ttl: 50, ipLength: 100, transport: .other(ipProtocol: 47))
        XCTAssertEqual(classify(gre, &classifier).trafficClass, .other)
    }
}
