import D4Results
import D4Store
import Foundation
import XCTest

final class AttackAndBotnetRoutesTests: XCTestCase {
    private func attack(_ victim: String, start: Double, ongoing: Bool) -> AttackRecord {
        AttackRecord(Attack(id: "attack-\(victim.replacingOccurrences(of: ":", with: "_"))-\(Int(start))", victim: victim,
                            start: start, end: start + 300, packets: 1500, bytes: 60_000, sensorAddresses: 700,
                            sensorAddressesEstimated: false, ipProtocol: "TCP", protocols: ["TCP"],
                            ports: [.init(ipProtocol: "TCP", port: 443, service: "https", packets: 1500)],
                            responses: [.init(kind: "SYN/ACK", packets: 1500)], peakPacketsPerSecond: 9, peakMinuteRate: 5,
                            meanPacketsPerSecond: 5, estimatedPacketsPerSecond: 327_680, estimatedPeakPacketsPerSecond: 589_824,
                            monitoredAddresses: 65_536, monitoredShareSource: "configured", isOngoing: ongoing),
                     updatedAt: Date(timeIntervalSince1970: start + 300))
    }

    func testAttacksAreListedNewestFirstWithTheReportFieldsAndFiltered() async throws {
        try await withWebServer { server in
            try await server.store.upsertAttacks([
                self.attack("192.0.2.10", start: 1_764_000_000, ongoing: false),
                self.attack("2001:db8::7", start: 1_764_003_600, ongoing: true),
            ])
            let answer = try await server.get("/api/v1/attacks")
            XCTAssertEqual(answer.status.code, 200, answer.text)
            let attacks = try XCTUnwrap(try answer.json()["attacks"] as? [[String: Any]])
            XCTAssertEqual(attacks.map { $0["victim"] as? String }, ["2001:db8::7", "192.0.2.10"])
            let closed = try XCTUnwrap(attacks.last)
            XCTAssertEqual(closed["start"] as? String, "2025-11-24T16:00:00.000000Z", "the time form of d4 analyze --format json")
            XCTAssertEqual(closed["end"] as? String, "2025-11-24T16:05:00.000000Z")
            XCTAssertEqual(closed["packets"] as? Int, 1500)
            XCTAssertEqual(closed["protocol"] as? String, "TCP")
            XCTAssertEqual(closed["peak_pps"] as? Double, 9)
            XCTAssertEqual(closed["mean_pps"] as? Double, 5)
            XCTAssertEqual(closed["estimated_pps"] as? Double, 327_680)
            XCTAssertEqual(closed["ongoing"] as? Bool, false)
            let ports = try XCTUnwrap(closed["ports"] as? [[String: Any]])
            XCTAssertEqual(ports.first?["port"] as? Int, 443)
            XCTAssertEqual(ports.first?["service"] as? String, "https")

            let running = try await server.get("/api/v1/attacks?ongoing=true")
            XCTAssertEqual((try running.json()["attacks"] as? [[String: Any]])?.map { $0["victim"] as? String }, ["2001:db8::7"])
            let byVictim = try await server.get("/api/v1/attacks?victim=2001:0db8:0:0:0:0:0:7")
            XCTAssertEqual((try byVictim.json()["attacks"] as? [[String: Any]])?.count, 1, byVictim.text)
            let since = try await server.get("/api/v1/attacks?since=2025-11-24T17:00:00Z")
            XCTAssertEqual((try since.json()["attacks"] as? [[String: Any]])?.map { $0["victim"] as? String }, ["2001:db8::7"])

            let one = try await server.get("/api/v1/attacks/attack-192.0.2.10-1764000000")
            XCTAssertEqual(try one.json()["victim"] as? String, "192.0.2.10")
        }
    }

    /// The API's attack and botnet period are the report's (`d4 analyze --format json`, `--botnets`)
    /// plus where and when they were stored: same keys, same values, by construction.
    func testAPIGivesTheReportFieldsPlusNodeAndUpdateTime() async throws {
        try await withWebServer { server in
            let record = self.attack("198.51.100.3", start: 1_764_000_000.25, ongoing: true)
            try await server.store.upsertAttacks([record])
            let api = try await server.get("/api/v1/attacks/\(record.id)").json()
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record.attack)) as? [String: Any])
            XCTAssertEqual(Set(api.keys), Set(report.keys).union(["node", "updated_at"]))
            XCTAssertEqual(api.filter { report[$0.key] != nil } as NSDictionary, report as NSDictionary)
            XCTAssertEqual(api["start"] as? String, "2025-11-24T16:00:00.250000Z")

            let period = BotnetCountRecord(BotnetPeriodCount(start: 1_764_000_000, period: .hour, miraiSources: 3, miraiPackets: 9,
                                                             netisSources: 1, netisPackets: 2, scannerSources: 50, scanPackets: 400,
                                                             topPorts: [], truncated: false),
                                           isComplete: true, updatedAt: Date(timeIntervalSince1970: 1_764_003_600))
            try await server.store.upsertBotnetCounts([period])
            let trend = try await server.get("/api/v1/botnets?period=hour").json()
            let counts = try XCTUnwrap(trend["counts"] as? [[String: Any]])
            let served = try XCTUnwrap(counts.first)
            let reported = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(period.count)) as? [String: Any])
            XCTAssertEqual(Set(served.keys), Set(reported.keys).union(["node", "complete", "updated_at"]))
            XCTAssertEqual(served.filter { reported[$0.key] != nil } as NSDictionary, reported as NSDictionary)
        }
    }

    func testAttackQueriesWithBadValuesAreRefusedWithAReason() async throws {
        try await withWebServer { server in
            for (path, fragment) in [("/api/v1/attacks?victim=banana", "victim"), ("/api/v1/attacks?ongoing=maybe", "ongoing"),
                                     ("/api/v1/attacks?limit=0", "limit"), ("/api/v1/attacks?since=yesterday", "since"),
                                     ("/api/v1/botnets?period=week", "period")] {
                let answer = try await server.get(path)
                XCTAssertEqual(answer.status.code, 400, path)
                XCTAssertTrue((try answer.json()["error"] as? String)?.contains(fragment) ?? false, answer.text)
            }
            let missing = try await server.get("/api/v1/attacks/no-such-attack")
            XCTAssertEqual(missing.status.code, 404)
        }
    }

    func testBotnetTrendPerHour() async throws {
        try await withWebServer { server in
            let hours = (0 ..< 3).map { hour in
                BotnetCountRecord(BotnetPeriodCount(start: 1_764_000_000 + Double(hour) * 3600, period: .hour, miraiSources: 10 + hour,
                                                    miraiPackets: 100, netisSources: 2, netisPackets: 20, scannerSources: 500,
                                                    scanPackets: 9000,
                                                    topPorts: [.init(ipProtocol: "TCP", port: 23, service: "telnet", sources: 40, packets: 400)],
                                                    truncated: false),
                                  isComplete: hour < 2, updatedAt: Date(timeIntervalSince1970: 1_764_010_000))
            }
            try await server.store.upsertBotnetCounts(hours)
            let answer = try await server.get("/api/v1/botnets?period=hour&since=2025-11-24T17:00:00Z")
            XCTAssertEqual(answer.status.code, 200, answer.text)
            let json = try answer.json()
            XCTAssertEqual(json["period"] as? String, "hour")
            let counts = try XCTUnwrap(json["counts"] as? [[String: Any]])
            XCTAssertEqual(counts.map { $0["mirai_sources"] as? Int }, [11, 12])
            XCTAssertEqual(counts.last?["complete"] as? Bool, false)
            XCTAssertEqual((counts.first?["top_ports"] as? [[String: Any]])?.first?["port"] as? Int, 23)
        }
    }
}
