import D4Archive
import D4Protocol
import D4Sensor
import D4Store
import D4TLS
import D4TestSupport
import Foundation
import Logging
import NIOPosix
import XCTest
@testable import D4Ingest

final class RestartAndEndToEndTests: XCTestCase {
    /// Sensors, keys, blocklists, settings and statistics live in the store file: a restarted server has them.
    func testStateSurvivesARestart() async throws {
        let directory = try makeTemporaryDirectory("restart")
        let first = try await IngestHarness(directory: directory, configure: { $0.mode = .registration })
        let uuid = IngestHarness.referenceUUID
        try await first.store.setSensorKey(uuid, Data(IngestHarness.referenceKey))
        try await first.store.setSensorState(uuid, .approved)
        try await first.store.blockIP("192.0.2.7", reason: "test")
        try await first.store.defineQueue(QueueDefinition(name: "pcap-all", type: 1, metaType: nil, sensors: [], capacity: 100, dropPolicy: "block"))
        try await Task.sleep(for: .milliseconds(300))
        let client = try await RawD4Client(port: first.port)
        try await client.send(StreamMaker().stream(type: .genericLog, input: Array("x\n".utf8)))
        await client.finish()
        try await first.waitUntilIdle()
        await first.shutdown()

        let second = try await IngestHarness(directory: directory)
        defer { Task { await second.shutdown() } }
        let settings = try await second.store.settings()
        XCTAssertEqual(settings.mode, .registration)
        let sensor = try await second.store.sensor(uuid)
        XCTAssertEqual(sensor?.state, .approved)
        XCTAssertEqual(sensor?.key, Data(IngestHarness.referenceKey))
        let blocked = try await second.store.blockedIPs().map(\.ip)
        XCTAssertEqual(blocked, ["192.0.2.7"])
        let queues = try await second.store.queues().map(\.name)
        XCTAssertEqual(queues, ["pcap-all"])
        let counters = try await second.store.dailyCounters(day: nil, sensor: uuid)
        XCTAssertTrue(counters.contains { $0.type == 3 && $0.frames == 2 }, "\(counters)")
        // And the approved sensor streams to the restarted server.
        let again = try await RawD4Client(port: second.port)
        try await again.send(StreamMaker().stream(type: .genericLog, input: Array("y\n".utf8)))
        await again.finish()
        try await second.waitUntilIdle()
        XCTAssertEqual(Set(try second.archivedFiles().values), [Array("x\n".utf8), Array("y\n".utf8)])
    }

    /// `d4 sensor` code → `d4 server` code over TLS, across a server restart: what the sensor made
    /// while the server was down is spooled and delivered; every line arrives once, in order.
    func testSensorToServerAcrossAServerRestart() async throws {
        let directory = try makeTemporaryDirectory("e2e")
        let identity = try ServerIdentity(selfSigned: SelfSignedCertificate())
        var server = try await IngestHarness(directory: directory, identity: identity)
        let port = server.port
        var settings = SensorSettings(uuid: IngestHarness.referenceUUID, key: IngestHarness.referenceKey, type: .genericLog, snaplen: 4096)
        settings.destination = .tls(host: "127.0.0.1", port: port)
        settings.trust = .pinned(identity.fingerprint)
        settings.stateDirectory = directory.appendingPathComponent("sensor-state")
        settings.backoff = ReconnectBackoff(minimum: .milliseconds(50), maximum: .milliseconds(200))
        var logger = Logger(label: "test.e2e")
        logger.logLevel = .critical
        let runner = SensorRunner(settings: settings, logger: logger)
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let source = try FileSequenceSource(descriptor: ends[0], name: "pipe")
        let sensor = Task { try await runner.runToNetwork(source: source, group: MultiThreadedEventLoopGroup.singleton) }
        func write(_ text: String) { _ = text.utf8CString.withUnsafeBufferPointer { Foundation.write(ends[1], $0.baseAddress, $0.count - 1) } }

        write("before the restart\n")
        try await Task.sleep(for: .seconds(1))
        await server.shutdown()
        try await Task.sleep(for: .milliseconds(500))
        write("while the server is down\n")
        try await Task.sleep(for: .milliseconds(500))
        server = try await IngestHarness(directory: directory, port: port, identity: identity)
        try await Task.sleep(for: .seconds(1))
        write("after the restart\n")
        close(ends[1])
        _ = try await sensor.value
        try await server.waitUntilIdle()
        let sessions = try server.archivedFiles().sorted { $0.key < $1.key }.map { String(decoding: $0.value, as: UTF8.self) }
        XCTAssertEqual(sessions.joined(), "before the restart\nwhile the server is down\nafter the restart\n", "\(sessions)")
        await server.shutdown()
        close(ends[0])
    }
}
