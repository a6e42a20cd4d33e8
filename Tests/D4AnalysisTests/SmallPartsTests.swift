import D4Analysis
import D4Basics
import Foundation
import PacketCapture
import XCTest

final class SmallPartsTests: XCTestCase {
    func testISO8601RoundTrip() {
        XCTAssertEqual(ISO8601Time.string(from: 0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(ISO8601Time.string(from: 1_700_000_000.25), "2023-11-14T22:13:20.250000Z")
        XCTAssertEqual(ISO8601Time.string(from: 951_782_400), "2000-02-29T00:00:00.000000Z")
        XCTAssertEqual(ISO8601Time.string(from: -1), "1969-12-31T23:59:59.000000Z")
        for value in [0.0, 1_700_000_000.123456, 4_102_444_800.5, 951_782_399.999999] {
            XCTAssertEqual(ISO8601Time.epochSeconds(from: ISO8601Time.string(from: value))!, value, accuracy: 1e-6)
        }
        XCTAssertEqual(ISO8601Time.epochSeconds(from: "2023-11-14T23:13:20+01:00"), 1_700_000_000)
        XCTAssertNil(ISO8601Time.epochSeconds(from: "2023-13-14T22:13:20Z"))
        XCTAssertNil(ISO8601Time.epochSeconds(from: "yesterday"))
        XCTAssertEqual(ISO8601Time.string(from: .nan), "invalid")
    }

    func testMonitoredSpaceParsingAndCounting() throws {
        let space = try MonitoredSpace(parsing: "198.18.0.0/16, 198.18.5.0/24,203.0.113.7")
        XCTAssertEqual(space.addressCount, 65_536 + 1, "the /24 inside the /16 is not counted twice")
        XCTAssertTrue(space.contains(IPAddress("198.18.200.1")!))
        XCTAssertTrue(space.contains(IPAddress("203.0.113.7")!))
        XCTAssertFalse(space.contains(IPAddress("203.0.113.8")!))
        XCTAssertFalse(space.contains(IPAddress("2001:db8::1")!))
        XCTAssertThrowsError(try MonitoredSpace(parsing: "198.18.0.0/33"))
        XCTAssertThrowsError(try MonitoredSpace(parsing: "banana"))
        XCTAssertThrowsError(try MonitoredSpace(parsing: "2001:db8::/32")) { error in
            XCTAssertEqual(error as? MonitoredSpaceError, .ipv6NotSupported("2001:db8::/32"))
        }
        XCTAssertThrowsError(try MonitoredSpace(parsing: " , "))
    }

    func testScannerMemoryIsBoundedAndExpires() {
        var memory = ScannerMemory(capacity: 100, retention: 60)
        for i in 0 ..< 1000 { memory.remember(.v4(UInt32(i)), at: 0) }
        XCTAssertLessThanOrEqual(memory.count, 200)
        XCTAssertTrue(memory.contains(.v4(999), at: 1))
        XCTAssertFalse(memory.contains(.v4(0), at: 1), "evicted by newer scanners past the capacity")
        memory.remember(.v4(5000), at: 10)
        XCTAssertTrue(memory.contains(.v4(5000), at: 69))
        XCTAssertFalse(memory.contains(.v4(5000), at: 200), "forgotten after twice the retention")
    }

    func testDistinctAddressEstimate() {
        var estimator = DistinctAddressEstimator()
        XCTAssertEqual(estimator.estimate, 0)
        for i in 0 ..< 100 { estimator.insert(.v4(0xC612_0000 + UInt32(i))) }
        for i in 0 ..< 100 { estimator.insert(.v4(0xC612_0000 + UInt32(i))) }
        XCTAssertEqual(Double(estimator.estimate), 100, accuracy: 3)
        for i in 0 ..< 65_536 { estimator.insert(.v4(0xC612_0000 + UInt32(i))) }
        XCTAssertEqual(Double(estimator.estimate), 65_536, accuracy: 65_536 * 0.05)
    }

    func testServiceNamesAndResponseNames() {
        XCTAssertEqual(ServiceNames.name(port: 443, ipProtocol: 6), "https")
        XCTAssertEqual(ServiceNames.name(port: 53413, ipProtocol: 17), "netis-backdoor")
        XCTAssertNil(ServiceNames.name(port: 40_000, ipProtocol: 6))
        XCTAssertEqual(ResponseKind.icmp(isV6: false, type: 3, code: 3).name, "ICMP 3/3 port unreachable")
        XCTAssertEqual(ResponseKind.icmp(isV6: true, type: 1, code: 4).name, "ICMPv6 1/4 port unreachable")
        XCTAssertEqual(ResponseKind.rstAck.name, "RST/ACK")
    }

    func testBotnetCounterRollsHoursAndDays() {
        var counter = BotnetCapacityCounter(topPortCount: 3)
        let scan = Classification(trafficClass: .scan, pattern: .tcpLoneSyn)
        let mirai = Classification(trafficClass: .scan, pattern: .tcpMiraiSyn)
        let netis = Classification(trafficClass: .scan, pattern: .udpNetis)
        let day0 = 1_700_006_400.0   // 2023-11-15T00:00:00Z
        // Hour 0: 3 Mirai sources (one twice), 1 Netis source, 2 scanners of 22.
        for (i, source) in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.1"].enumerated() {
            counter.observe(PacketFactory.tcp(from: source, destinationPort: 23, flags: [.syn]), classification: mirai,
                            at: day0 + Double(i))
        }
        counter.observe(PacketFactory.udp(from: "203.0.113.9", destinationPort: 53413), classification: netis, at: day0 + 5)
        for source in ["203.0.113.20", "203.0.113.21"] {
            counter.observe(PacketFactory.tcp(from: source, destinationPort: 22, flags: [.syn]), classification: scan,
                            at: day0 + 10)
        }
        // Hour 1: one of the Mirai sources again plus a new one.
        for source in ["203.0.113.1", "203.0.113.4"] {
            counter.observe(PacketFactory.tcp(from: source, destinationPort: 2323, flags: [.syn]),
                            classification: mirai, at: day0 + 3600 + 1)
        }
        // Next day.
        counter.observe(PacketFactory.tcp(from: "203.0.113.1", destinationPort: 23, flags: [.syn]), classification: mirai,
                        at: day0 + 86_400 + 7)
        // Backscatter is not counted.
        counter.observe(PacketFactory.tcp(from: "192.0.2.1", flags: [.syn, .ack]),
                        classification: Classification(trafficClass: .backscatter, pattern: .tcpSynAck), at: day0 + 20)
        let report = counter.finish()
        XCTAssertEqual(report.hourly.map(\.miraiSources), [3, 2, 1])
        XCTAssertEqual(report.hourly.map(\.miraiPackets), [4, 2, 1])
        XCTAssertEqual(report.hourly[0].netisSources, 1)
        XCTAssertEqual(report.hourly[0].scannerSources, 6)
        XCTAssertEqual(report.hourly[0].scanPackets, 7)
        XCTAssertEqual(report.hourly[0].start, day0)
        XCTAssertEqual(report.hourly[0].topPorts.first?.port, 23)
        XCTAssertEqual(report.hourly[0].topPorts.first?.sources, 3)
        XCTAssertEqual(report.hourly[0].topPorts.first?.packets, 4)
        XCTAssertEqual(report.hourly[0].topPorts.dropFirst().first?.port, 22)
        XCTAssertEqual(report.daily.map(\.miraiSources), [4, 1])
        XCTAssertEqual(report.daily.map(\.start), [day0, day0 + 86_400])
        XCTAssertEqual(report.trend.hours, 3)
        XCTAssertEqual(report.trend.peakMiraiSources, 3)
        XCTAssertLessThan(report.trend.miraiSourcesSlopePerHour, 0)
    }
}
