import D4Store
import Foundation
import XCTest

final class AdmissionFactsTests: XCTestCase {
    func testFactsCarrySettingsBlocklistAndSensors() async throws {
        let (store, _) = try makeStore()
        let approved = sensorUUID()
        let blocked = sensorUUID()
        _ = try await store.updateSettings {
            $0.mode = .registration
            $0.defaultKey = Data("default".utf8)
            $0.maxFrameSize = 4_096
            $0.defaultMaxBacklog = 77
            $0.replayWindowSeconds = 60
        }
        _ = try await store.registerSensor(uuid: approved, key: Data("own".utf8), description: "", contactMail: "")
        try await store.setSensorState(approved, .approved)
        try await store.setSensorMaxBacklog(approved, 5)
        try await store.setSensorState(blocked, .blocked)
        try await store.blockIP("192.0.2.1", reason: "abuse")
        try await store.blockIP("10.0.0.0/8", reason: "private")
        try await store.blockIP("2001:db8::/32", reason: "documentation")

        let facts = try await store.admissionFacts()
        XCTAssertEqual(facts.mode, .registration)
        XCTAssertEqual(facts.maxFrameSize, 4_096)
        XCTAssertEqual(facts.replayWindowSeconds, 60)
        XCTAssertEqual(facts.acceptedTypes, ServerSettings.defaultAcceptedTypes)
        XCTAssertEqual(Set(facts.sensors.keys), [approved, blocked])
        XCTAssertEqual(facts.sensor(approved)?.state, .approved)
        XCTAssertEqual(facts.sensor(blocked)?.state, .blocked)
        XCTAssertEqual(facts.key(for: approved), Data("own".utf8))
        XCTAssertEqual(facts.key(for: sensorUUID()), Data("default".utf8))
        XCTAssertEqual(facts.maxBacklog(for: approved), 5)
        XCTAssertEqual(facts.maxBacklog(for: blocked), 77)
        XCTAssertEqual(facts.blockedIPs, ["192.0.2.1"])
        XCTAssertEqual(facts.blockedNetworks.map(\.description).sorted(), ["10.0.0.0/8", "2001:db8::/32"])
        let generation = try await store.changeGeneration()
        XCTAssertEqual(facts.generation, generation)

        XCTAssertTrue(facts.isBlocked(ip: "192.0.2.1"))
        XCTAssertTrue(facts.isBlocked(ip: "::ffff:192.0.2.1"), "IPv4-mapped form of a blocked address")
        XCTAssertFalse(facts.isBlocked(ip: "192.0.2.2"))
        XCTAssertTrue(facts.isBlocked(ip: "10.200.3.4"))
        XCTAssertFalse(facts.isBlocked(ip: "11.0.0.1"))
        XCTAssertTrue(facts.isBlocked(ip: "2001:DB8:ffff::1"))
        XCTAssertFalse(facts.isBlocked(ip: "2001:db9::1"))
        XCTAssertFalse(facts.isBlocked(ip: "garbage"))
    }

    func testPerConnectionFactsHoldOnlyThatSensor() async throws {
        let (store, _) = try makeStore()
        let one = sensorUUID()
        try await store.setSensorState(one, .approved)
        try await store.setSensorState(sensorUUID(), .approved)
        let facts = try await store.admissionFacts(for: one)
        XCTAssertEqual(Array(facts.sensors.keys), [one])
        let unknown = try await store.admissionFacts(for: sensorUUID())
        XCTAssertTrue(unknown.sensors.isEmpty)
        XCTAssertNil(unknown.key(for: sensorUUID()), "no own key, no default key: nothing to verify with")
    }

    func testFactsNeverPrintKeys() async throws {
        let (store, _) = try makeStore()
        _ = try await store.updateSettings { $0.defaultKey = Data("SECRETDEFAULT".utf8) }
        let facts = try await store.admissionFacts()
        XCTAssertFalse(String(describing: facts).contains("SECRETDEFAULT"))
        XCTAssertFalse(String(reflecting: facts).contains("SECRETDEFAULT"))
    }
}
