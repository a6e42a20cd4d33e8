import D4Store
import Foundation
import XCTest

final class SensorsSetKeyTests: CLITestCase {
    func testKeyFromFileDropsTheLastNewlineAndIsNeverPrinted() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        // Bytes the reference's registration API would have escaped or cut (its defect 7).
        let secret = Data("k3y&<with>\"quotes'".utf8) + Data([0x00, 0xff, 0x0d])
        let file = try scratchFile("key", secret + Data("\n".utf8))

        let result = try d4Succeeds(["sensors", "set-key", uuid.uuidString, "--key-file", file])
        XCTAssertTrue(result.stdout.contains("key set (\(secret.count) bytes)"), result.stdout)
        XCTAssertFalse(result.stdout.contains("k3y") || result.stderr.contains("k3y"))
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.key, secret)

        let shown = try d4Succeeds(["sensors", "show", uuid.uuidString]).stdout
        XCTAssertTrue(shown.contains("set (\(secret.count) bytes)"), shown)
        XCTAssertFalse(shown.contains("k3y"), shown)
    }

    func testKeyFromStandardInputFollowsTheReferenceNewlineRule() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        let result = try d4Succeeds(["sensors", "set-key", uuid.uuidString], stdin: Data("first\nsecond".utf8))
        XCTAssertTrue(result.stderr.contains("6 bytes after the last newline"), result.stderr)
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.key, Data("first".utf8))

        try d4Succeeds(["sensors", "set-key", uuid.uuidString], stdin: Data("no-newline".utf8))
        let updated = try await store.sensor(uuid)
        XCTAssertEqual(updated?.key, Data("no-newline".utf8))
    }

    func testDefaultRemovesTheOwnKey() async throws {
        let uuid = UUID()
        try await store.upsertSensor(SensorRecord(uuid: uuid, key: Data("own".utf8), state: .approved))
        let out = try d4Succeeds(["sensors", "set-key", uuid.uuidString, "--default"]).stdout
        XCTAssertTrue(out.contains("server default key applies"), out)
        XCTAssertTrue(out.contains("the server has no default key"), out)
        let record = try await store.sensor(uuid)
        XCTAssertNil(record?.key)

        let both = try d4(["sensors", "set-key", uuid.uuidString, "--default", "--key-file", "/dev/null"])
        XCTAssertNotEqual(both.status, 0)
    }

    func testSetKeyPreRegistersAnUnknownSensor() async throws {
        let uuid = UUID()
        let out = try d4Succeeds(["sensors", "set-key", uuid.uuidString], stdin: Data("fresh\n".utf8)).stdout
        XCTAssertTrue(out.contains("was not in the store: created it (pre-registered), state pending"), out)
        let record = try await store.sensor(uuid)
        XCTAssertEqual(record?.key, Data("fresh".utf8))
        XCTAssertEqual(record?.state, .pending)
    }

    func testEmptyOrMissingKeysAreErrors() async throws {
        let uuid = UUID()
        try await store.setSensorState(uuid, .approved)
        let empty = try d4(["sensors", "set-key", uuid.uuidString, "--key-file", try scratchFile("empty", Data("\n".utf8))])
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stderr.hasPrefix("d4 sensors set-key: error: key is empty"), empty.stderr)

        let missing = try d4(["sensors", "set-key", uuid.uuidString, "--key-file", "/nonexistent/key"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("d4 sensors set-key: error: cannot open key file /nonexistent/key"), missing.stderr)

        let tooLong = try d4(["sensors", "set-key", uuid.uuidString], stdin: Data(repeating: 0x41, count: 2_000))
        XCTAssertEqual(tooLong.status, 1)
        XCTAssertTrue(tooLong.stderr.contains("over the limit"), tooLong.stderr)

        let record = try await store.sensor(uuid)
        XCTAssertNil(record?.key, "no failed attempt may change the key")
    }

    func testTheKeyIsNotACommandLineArgument() throws {
        let result = try d4(["sensors", "set-key", UUID().uuidString, "--key", "secret"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertNotEqual(result.status, 1, "ArgumentParser refuses the unknown option")
    }
}
