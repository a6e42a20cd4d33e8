import D4Store
import D4StoreSQLite
import Foundation
import XCTest

final class SensorAndStatisticsRoutesTests: XCTestCase {
    let sensor = UUID(uuidString: "3b1f2c4e-8a9d-4f00-9c1e-2a5b6c7d8e9f")!
    let moment = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z

    private func seed(_ store: SQLiteStore) async throws {
        try await store.upsertSensor(SensorRecord(uuid: sensor, key: Data("secret key".utf8), state: .approved,
                                                  description: "telescope A", contactMail: "ops@example.org"))
        var batch = StatisticsBatch()
        batch.observe(sensor: sensor, type: 1, sourceIP: "192.0.2.7", at: moment)
        batch.observe(sensor: sensor, type: 254, metaType: "ja3-jl", sourceIP: "192.0.2.7", at: moment)
        batch.count(day: UTCDay.label(moment), sensor: sensor, type: 1, sourceIP: "192.0.2.7", frames: 10, bytes: 4_000)
        try await store.apply(batch)
    }

    func testSensorListShowsRecordsWithoutKeys() async throws {
        try await withWebServer { server in
            try await self.seed(server.store)
            let answer = try await server.get("/api/v1/sensors")
            XCTAssertEqual(answer.status.code, 200)
            XCTAssertTrue(answer.headers["Content-Type"].first?.hasPrefix("application/json") ?? false)
            XCTAssertFalse(answer.text.contains("secret key"), "keys never leave the server")
            let sensors = try XCTUnwrap(try answer.json()["sensors"] as? [[String: Any]])
            XCTAssertEqual(sensors.count, 1)
            let first = try XCTUnwrap(sensors.first)
            XCTAssertEqual(first["uuid"] as? String, "3b1f2c4e-8a9d-4f00-9c1e-2a5b6c7d8e9f")
            XCTAssertEqual(first["state"] as? String, "approved")
            XCTAssertEqual(first["contact_mail"] as? String, "ops@example.org")
            XCTAssertEqual(first["has_own_key"] as? Bool, true)
            XCTAssertEqual(first["first_seen"] as? String, "2025-11-24T16:00:00Z")
            XCTAssertTrue(first["last_error"] is NSNull, "absent values are null, the field is always there")
        }
    }

    func testSensorDetailHasSourceIPsAndTypesSeen() async throws {
        try await withWebServer { server in
            try await self.seed(server.store)
            let answer = try await server.get("/api/v1/sensors/\(self.sensor.uuidString.uppercased())")
            XCTAssertEqual(answer.status.code, 200, answer.text)
            let json = try answer.json()
            let record = try XCTUnwrap(json["sensor"] as? [String: Any])
            XCTAssertEqual(record["description"] as? String, "telescope A")
            let sources = try XCTUnwrap(json["source_ips"] as? [[String: Any]])
            XCTAssertEqual(sources.first?["ip"] as? String, "192.0.2.7")
            XCTAssertEqual(sources.first?["last_seen"] as? String, "2025-11-24T16:00:00Z")
            let types = try XCTUnwrap(json["types_seen"] as? [[String: Any]])
            XCTAssertEqual(types.map { $0["type"] as? Int }, [1, 254])
            XCTAssertEqual(types.last?["meta_type"] as? String, "ja3-jl")
        }
    }

    func testSensorDetailRefusesBadAndUnknownUUIDs() async throws {
        try await withWebServer { server in
            let bad = try await server.get("/api/v1/sensors/not-a-uuid")
            XCTAssertEqual(bad.status.code, 400)
            XCTAssertTrue((try bad.json()["error"] as? String)?.contains("not a UUID") ?? false, bad.text)
            let unknown = try await server.get("/api/v1/sensors/\(UUID().uuidString)")
            XCTAssertEqual(unknown.status.code, 404)
            XCTAssertNotNil(try unknown.json()["error"] as? String)
        }
    }

    func testStatisticsOfADayAndASensor() async throws {
        try await withWebServer { server in
            try await self.seed(server.store)
            let answer = try await server.get("/api/v1/statistics?day=2025-11-24&sensor=\(self.sensor.uuidString)")
            XCTAssertEqual(answer.status.code, 200, answer.text)
            let json = try answer.json()
            XCTAssertEqual(json["day"] as? String, "2025-11-24")
            let counters = try XCTUnwrap(json["counters"] as? [[String: Any]])
            XCTAssertFalse(counters.isEmpty)
            // The sensor's type-1 counter (all addresses) and its counter for the address (all types).
            let perType = counters.first { $0["type"] as? Int == 1 && $0["source_ip"] is NSNull }
            XCTAssertEqual(perType?["frames"] as? Int, 10)
            XCTAssertEqual(perType?["bytes"] as? Int, 4_000)
            let perAddress = counters.first { $0["type"] is NSNull && $0["source_ip"] as? String == "192.0.2.7" }
            XCTAssertEqual(perAddress?["frames"] as? Int, 10)
            XCTAssertTrue(counters.allSatisfy { $0["sensor"] as? String == self.sensor.uuidString.lowercased() })

            let otherDay = try await server.get("/api/v1/statistics?day=2025-11-23")
            XCTAssertEqual(try XCTUnwrap(try otherDay.json()["counters"] as? [Any]).count, 0)
        }
    }

    func testStatisticsRefusesBadInput() async throws {
        try await withWebServer { server in
            for query in ["day=2025-13-01", "day=yesterday", "day=2025-02-30", "sensor=42"] {
                let answer = try await server.get("/api/v1/statistics?\(query)")
                XCTAssertEqual(answer.status.code, 400, query)
                XCTAssertNotNil(try answer.json()["error"] as? String, query)
            }
        }
    }
}
