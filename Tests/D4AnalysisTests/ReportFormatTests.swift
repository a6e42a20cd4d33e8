import D4Analysis
import D4Results
import Foundation
import PacketCapture
import XCTest

final class ReportFormatTests: XCTestCase {
    static let sample = Attack(
        id: "8c0f1a52-0b1e-8d2c-9a6e-0123456789ab", victim: "203.0.113.10", start: 1_700_000_100.2,
        end: 1_700_000_700.0, packets: 3000, bytes: 120_000, sensorAddresses: 2900, sensorAddressesEstimated: false,
        ipProtocol: "TCP", protocols: ["TCP"],
        ports: [AttackPort(ipProtocol: "TCP", port: 80, service: "http", packets: 2990),
                AttackPort(ipProtocol: "TCP", port: 8080, service: "http-alt", packets: 10)],
        responses: [AttackResponse(kind: "SYN/ACK", packets: 3000)], peakPacketsPerSecond: 6, peakMinuteRate: 5.1,
        meanPacketsPerSecond: 5, estimatedPacketsPerSecond: 327_680, estimatedPeakPacketsPerSecond: 393_216,
        monitoredAddresses: 65_536, monitoredShareSource: "configured", isOngoing: false)

    func testJSONLinesCarryTheRequiredFieldsAndRoundTrip() throws {
        let text = try AttackJSONLines.render([Self.sample, Self.sample])
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["victim", "start", "end", "packets", "protocol", "ports", "peak_pps", "mean_pps", "estimated_pps"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["victim"] as? String, "203.0.113.10")
        XCTAssertEqual(object["start"] as? String, "2023-11-14T22:15:00.200000Z")
        XCTAssertEqual(object["packets"] as? Int, 3000)
        let decoded = try JSONDecoder().decode(Attack.self, from: Data(lines[0].utf8))
        XCTAssertEqual(decoded.victim, Self.sample.victim)
        XCTAssertEqual(decoded.start, Self.sample.start, accuracy: 1e-6)
        XCTAssertEqual(decoded.ports, Self.sample.ports)
        XCTAssertEqual(decoded.estimatedPacketsPerSecond, Self.sample.estimatedPacketsPerSecond)
    }

    func testCSVHasHeaderAndQuotedRows() {
        var attack = Self.sample
        attack.responses = [AttackResponse(kind: "ICMP 3/3 port unreachable, \"quoted\"", packets: 3)]
        let csv = AttackCSV.render([attack])
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(String(lines[0]), AttackCSV.columns.joined(separator: ","))
        XCTAssertTrue(lines[1].hasPrefix("8c0f1a52-0b1e-8d2c-9a6e-0123456789ab,203.0.113.10,2023-11-14T22:15:00.200000Z,"))
        XCTAssertTrue(lines[1].contains("\"ICMP 3/3 port unreachable, \"\"quoted\"\"=3\""))
        XCTAssertTrue(lines[1].contains("80/tcp(http) 8080/tcp(http-alt)"))
    }

    func testBotnetReportRoundTrips() throws {
        let period = BotnetPeriodCount(start: 1_700_000_000 - 800, period: .hour, miraiSources: 5, miraiPackets: 9,
                                       netisSources: 1, netisPackets: 2, scannerSources: 12, scanPackets: 40,
                                       topPorts: [PortScanCount(ipProtocol: "TCP", port: 23, service: "telnet", sources: 5,
                                                                packets: 9)], truncated: false)
        let report = BotnetCapacityReport(hourly: [period], daily: [period])
        let data = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(BotnetCapacityReport.self, from: data)
        XCTAssertEqual(decoded, report)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hourly = try XCTUnwrap(object["hourly"] as? [[String: Any]])
        XCTAssertEqual(hourly.first?["mirai_sources"] as? Int, 5)
        XCTAssertEqual(hourly.first?["start"] as? String, "2023-11-14T22:00:00.000000Z")
    }
}
