import D4Store
import Foundation
import XCTest

final class SensorsListShowTests: CLITestCase {
    private let key = Data("Sup3r-s3cret&<key>".utf8)

    func testListShowsEverySensorWithoutItsKey() async throws {
        let first = UUID(), second = UUID()
        try await store.upsertSensor(SensorRecord(uuid: first, key: key, state: .approved, description: "edge router"))
        try await store.setSensorState(second, .pending)
        try await store.recordSensorError(second, reason: "HMAC mismatch", at: Date())

        let table = try d4Succeeds(["sensors", "list"]).stdout
        let lines = table.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, table)
        XCTAssertTrue(lines[0].hasPrefix("UUID"))
        let firstLine = try XCTUnwrap(lines.first { $0.contains(first.uuidString.lowercased()) })
        XCTAssertTrue(firstLine.contains("approved") && firstLine.contains("edge router") && firstLine.contains("never"), String(firstLine))
        let secondLine = try XCTUnwrap(lines.first { $0.contains(second.uuidString.lowercased()) })
        XCTAssertTrue(secondLine.contains("pending") && secondLine.contains("HMAC mismatch"), String(secondLine))
        XCTAssertFalse(table.contains("Sup3r"))

        let json = try d4Succeeds(["sensors", "list", "--json"]).stdout
        XCTAssertFalse(json.contains("Sup3r"))
        let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(decoded.count, 2)
        let firstJSON = try XCTUnwrap(decoded.first { $0["uuid"] as? String == first.uuidString.lowercased() })
        XCTAssertEqual(firstJSON["state"] as? String, "approved")
        XCTAssertEqual(firstJSON["has_own_key"] as? Bool, true)
        XCTAssertEqual(firstJSON["key_bytes"] as? Int, key.count)
        let secondJSON = try XCTUnwrap(decoded.first { $0["uuid"] as? String == second.uuidString.lowercased() })
        XCTAssertEqual(secondJSON["has_own_key"] as? Bool, false)
        XCTAssertEqual(secondJSON["last_error"] as? String, "HMAC mismatch")
    }

    func testListFiltersByStateAndSaysWhenEmpty() async throws {
        XCTAssertEqual(try d4Succeeds(["sensors", "list"]).stdout, "no sensors yet\n")
        let emptyJSON = try d4Succeeds(["sensors", "list", "--json"]).stdout
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(emptyJSON.utf8)) as? [Any])?.count, 0, emptyJSON)
        let approved = UUID(), blocked = UUID()
        try await store.setSensorState(approved, .approved)
        try await store.setSensorState(blocked, .blocked)
        let out = try d4Succeeds(["sensors", "list", "--state", "blocked"]).stdout
        XCTAssertTrue(out.contains(blocked.uuidString.lowercased()))
        XCTAssertFalse(out.contains(approved.uuidString.lowercased()))
        XCTAssertEqual(try d4Succeeds(["sensors", "list", "--state", "pending"]).stdout, "no pending sensors\n")
        XCTAssertNotEqual(try d4(["sensors", "list", "--state", "sleepy"]).status, 0)
    }

    func testShowPrintsWhatTheStoreHasButNeverTheKey() async throws {
        let uuid = UUID()
        try await store.upsertSensor(SensorRecord(uuid: uuid, key: key, state: .approved, description: "dmz tap",
                                                  contactMail: "noc@example.org", maxBacklog: 500))
        let now = Date()
        var batch = StatisticsBatch()
        batch.observe(sensor: uuid, type: 1, sourceIP: "192.0.2.7", at: now)
        batch.observe(sensor: uuid, type: 254, metaType: "ja3-jl", sourceIP: "2001:db8::5", at: now)
        batch.count(day: UTCDay.label(now), sensor: uuid, type: 1, sourceIP: "192.0.2.7", frames: 1_234, bytes: 5_678_901)
        try await store.apply(batch)
        try await store.recordSensorError(uuid, reason: "backlog over 500 frames", at: now)

        let out = try d4Succeeds(["sensors", "show", uuid.uuidString]).stdout
        for expected in ["state:", "approved", "dmz tap", "noc@example.org", "key:", "set (\(key.count) bytes)",
                         "500 frames", "192.0.2.7", "2001:db8::5", "1 (pcap)", "254 (extended)", "ja3-jl",
                         "backlog over 500 frames", UTCDay.label(now), "1,234", "5,678,901", "from 192.0.2.7"] {
            XCTAssertTrue(out.contains(expected), "missing \(expected) in:\n\(out)")
        }
        XCTAssertFalse(out.contains("Sup3r"), out)
        XCTAssertFalse(out.contains("never"), "first/last seen are known:\n\(out)")

        let json = try d4Succeeds(["sensors", "show", uuid.uuidString, "--json"]).stdout
        XCTAssertFalse(json.contains("Sup3r"))
        let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(decoded["effective_max_backlog"] as? Int, 500)
        XCTAssertEqual((decoded["source_ips"] as? [Any])?.count, 2)
        XCTAssertEqual((decoded["types_seen"] as? [Any])?.count, 2)
        XCTAssertEqual((decoded["daily_counters"] as? [Any])?.count, 3, "total, per type, per IP of the sensor")
    }

    func testShowOfASensorWithoutKeyOrHistory() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .pending)
        let out = try d4Succeeds(["sensors", "show", uuid.uuidString]).stdout
        XCTAssertTrue(out.contains("server default"), out)
        XCTAssertTrue(out.contains("10,000 frames (server default)"), out)
        XCTAssertTrue(out.contains("source IPs: none seen"), out)
        XCTAssertTrue(out.contains("types seen: none"), out)
        XCTAssertTrue(out.contains("last 7 days (UTC): none"), out)
    }

    func testShowOfAnUnknownSensorIsAnError() throws {
        let uuid = UUID()
        let result = try d4(["sensors", "show", uuid.uuidString])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "d4 sensors show: error: sensor \(uuid.uuidString.lowercased()) not found\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testBadUUIDTextIsRefusedClearly() throws {
        for text in ["nope", "123", "3b6b1c6e-8a1f-4d2c-9a5e-0c1d2e3f4a5", "3b6b1c6e8a1f-4d2c-9a5e-0c1d2e3f4a5b-",
                     "zb6b1c6e-8a1f-4d2c-9a5e-0c1d2e3f4a5b"] {
            let result = try d4(["sensors", "show", text])
            XCTAssertNotEqual(result.status, 0, text)
            XCTAssertNotEqual(result.status, 1, "a bad argument is a usage error, not an operational one: \(text)")
            XCTAssertTrue(result.stderr.contains("is not a sensor UUID"), result.stderr)
        }
    }

    func testUUIDsWithoutDashesAndInAnyCaseNameTheSameSensor() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        let compactUpper = uuid.uuidString.replacingOccurrences(of: "-", with: "").uppercased()
        let out = try d4Succeeds(["sensors", "show", compactUpper]).stdout
        XCTAssertTrue(out.contains(uuid.uuidString.lowercased()), out)
        try d4Succeeds(["sensors", "show", uuid.uuidString.lowercased()])
    }

    func testMissingDataDirectoryIsAnError() throws {
        let missing = dataDirectory.appendingPathComponent("nothing-here").path
        let result = try d4(["sensors", "list", "--data-dir", missing], dataDir: false)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("d4 sensors list: error: no D4 data at \(missing)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a management command must not create a data directory")
    }

    func testDataDirectoryFromTheEnvironment() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        let result = try d4(["sensors", "list"], dataDir: false, environment: ["D4_DATA_DIR": dataDirectory.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(uuid.uuidString.lowercased()))
    }
}
