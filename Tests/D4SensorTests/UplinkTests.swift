import D4Protocol
import D4TLS
import D4TestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import PacketCapture
import XCTest
@testable import D4Sensor

/// The sensor against real TLS servers on 127.0.0.1: streaming, trust, outages, spool replay.
final class UplinkTests: XCTestCase {
    private let uuid = UUID(uuidString: "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07")!
    private let key = Array("private key to change".utf8)
    private var stateDirectories: [URL] = []

    override func tearDown() {
        for directory in stateDirectories { try? FileManager.default.removeItem(at: directory) }
    }

    private func settings(port: Int, trust: ServerTrust, type: FrameType = .pcap, snaplen: Int = 4096) throws -> SensorSettings {
        var settings = SensorSettings(uuid: uuid, key: key, type: type, snaplen: snaplen)
        settings.destination = .tls(host: "127.0.0.1", port: port)
        settings.trust = trust
        settings.stateDirectory = try makeTemporaryDirectory("sensor-state")
        stateDirectories.append(settings.stateDirectory)
        settings.backoff = ReconnectBackoff(minimum: .milliseconds(50), maximum: .milliseconds(200))
        settings.connectTimeout = .seconds(2)
        return settings
    }

    private var quietLogger: Logger {
        var logger = Logger(label: "test.sensor")
        logger.logLevel = ProcessInfo.processInfo.environment["D4_TEST_LOG"] != nil ? .debug : .critical
        return logger
    }

    func testStreamsAFileOverTLSWithAPinnedCertificate() async throws {
        let receiver = try await D4Receiver.start()
        defer { Task { try? await receiver.close() } }
        let input = ReferenceVector.all[2].input
        let runner = SensorRunner(settings: try settings(port: receiver.port, trust: .pinned(receiver.fingerprint)), logger: quietLogger)
        let report = try await runner.runToNetwork(source: try FileSequenceSource(paths: [input.path], mergePcapFiles: true),
                                                   group: MultiThreadedEventLoopGroup.singleton)
        try await receiver.waitFor { $0.allFrames.last?.header.size == 0 }
        let frames = receiver.allFrames
        XCTAssertEqual(frames.map(\.header.size), [4096, 4096, 2506, 0])
        let signer = try FrameSigner(key: key)
        XCTAssertTrue(frames.allSatisfy { $0.isAuthentic(with: signer) && $0.header.uuid == uuid })
        XCTAssertEqual(receiver.payload, [UInt8](try Data(contentsOf: input)))
        XCTAssertEqual(report.uplink?.connections, 1)
        XCTAssertEqual(report.uplink?.framesLeftInSpool, 0)
    }

    func testStreamsOverPlainTCP() async throws {
        let receiver = try await D4Receiver.start(plainTCP: true)
        defer { Task { try? await receiver.close() } }
        var settings = try settings(port: receiver.port, trust: .system)
        settings.destination = .tcp(host: "127.0.0.1", port: receiver.port)
        _ = try await SensorRunner(settings: settings, logger: quietLogger)
            .runToNetwork(source: try FileSequenceSource(paths: [ReferenceVector.all[2].input.path], mergePcapFiles: true),
                          group: MultiThreadedEventLoopGroup.singleton)
        try await receiver.waitFor { $0.allFrames.last?.header.size == 0 }
        XCTAssertEqual(receiver.payload, try ReferenceVector.all[2].inputBytes)
    }

    func testCertificateAuthorityFileIsAccepted() async throws {
        let certificate = try SelfSignedCertificate()
        let receiver = try await D4Receiver.start(certificate: certificate)
        defer { Task { try? await receiver.close() } }
        let ca = try makeTemporaryDirectory("ca").appendingPathComponent("ca.pem")
        try Data(certificate.certificatePEM.utf8).write(to: ca)
        let runner = SensorRunner(settings: try settings(port: receiver.port, trust: .certificateAuthority(path: ca.path)), logger: quietLogger)
        _ = try await runner.runToNetwork(source: try FileSequenceSource(paths: [ReferenceVector.all[1].input.path], mergePcapFiles: false),
                                          group: MultiThreadedEventLoopGroup.singleton)
        try await receiver.waitFor { $0.allFrames.count == 2 }
        XCTAssertEqual(receiver.payload, try ReferenceVector.all[1].inputBytes)
    }

    func testWrongPinSendsNothingAndKeepsFramesInTheSpool() async throws {
        let receiver = try await D4Receiver.start()
        defer { Task { try? await receiver.close() } }
        let wrong = CertificateFingerprint(der: [1, 2, 3])
        let runner = SensorRunner(settings: try settings(port: receiver.port, trust: .pinned(wrong)), logger: quietLogger)
        let stopper = Task {
            try await Task.sleep(for: .seconds(1.5))
            runner.stop.stop()
        }
        let report = try await runner.runToNetwork(source: try FileSequenceSource(paths: [ReferenceVector.all[1].input.path], mergePcapFiles: false),
                                                   group: MultiThreadedEventLoopGroup.singleton)
        _ = try await stopper.value
        XCTAssertTrue(receiver.allFrames.isEmpty, "no byte of D4 may reach a server whose certificate does not match")
        XCTAssertEqual(report.uplink?.framesLeftInSpool, 2, "both frames wait in the spool for the next start")
    }

    /// Frames made while no server listens are spooled and arrive in order once it is up.
    func testSpoolIsReplayedInOrderWhenTheServerComesUp() async throws {
        let port = try unusedPort()
        let certificate = try SelfSignedCertificate()
        let lines = (0 ..< 300).map { "line \($0) of the log\n" }.joined()
        let file = try makeTemporaryDirectory("input").appendingPathComponent("log.txt")
        try Data(lines.utf8).write(to: file)
        let runner = SensorRunner(settings: try settings(port: port, trust: .pinned(certificate.fingerprint), type: .genericLog, snaplen: 64),
                                  logger: quietLogger)
        let sensor = Task {
            try await runner.runToNetwork(source: try FileSequenceSource(paths: [file.path], mergePcapFiles: false),
                                          group: MultiThreadedEventLoopGroup.singleton)
        }
        try await Task.sleep(for: .milliseconds(800))
        let receiver = try await D4Receiver.start(port: port, certificate: certificate)
        defer { Task { try? await receiver.close() } }
        let report = try await sensor.value
        try await receiver.waitFor { $0.allFrames.last?.header.size == 0 }
        XCTAssertEqual(String(decoding: receiver.payload, as: UTF8.self), lines, "every line, once, in order")
        XCTAssertGreaterThan(report.uplink?.framesSpooled ?? 0, 0, "frames went through the spool")
        XCTAssertGreaterThan(report.uplink?.connections ?? 0, 0)
    }

    /// The server dies mid-stream; the sensor reconnects to its successor and carries on: what was
    /// produced during the outage is spooled and sent first, then live data, nothing twice.
    func testReconnectsAfterTheServerDies() async throws {
        let certificate = try SelfSignedCertificate()
        let first = try await D4Receiver.start(certificate: certificate)
        let port = first.port
        let pipe = TestPipe()
        let runner = SensorRunner(settings: try settings(port: port, trust: .pinned(certificate.fingerprint), type: .genericLog),
                                  logger: quietLogger)
        let sensor = Task {
            try await runner.runToNetwork(source: try FileSequenceSource(descriptor: pipe.readEnd, name: "pipe"),
                                          group: MultiThreadedEventLoopGroup.singleton)
        }
        pipe.write(Array("before the outage\n".utf8))
        try await first.waitFor { String(decoding: $0.payload, as: UTF8.self) == "before the outage\n" }
        try await first.close()
        try await Task.sleep(for: .milliseconds(300))  // the sensor notices the close
        pipe.write(Array("during the outage\n".utf8))
        try await Task.sleep(for: .milliseconds(300))
        let second = try await D4Receiver.start(port: port, certificate: certificate)
        defer { Task { try? await second.close() } }
        try await second.waitFor { String(decoding: $0.payload, as: UTF8.self) == "during the outage\n" }
        pipe.write(Array("after reconnecting\n".utf8))
        pipe.closeWriter()
        let report = try await sensor.value
        try await second.waitFor { $0.allFrames.last?.header.size == 0 }
        XCTAssertEqual(String(decoding: first.payload, as: UTF8.self), "before the outage\n")
        XCTAssertEqual(String(decoding: second.payload, as: UTF8.self), "during the outage\nafter reconnecting\n")
        XCTAssertGreaterThanOrEqual(report.uplink?.connections ?? 0, 2)
    }

    /// A pcap stream cut by an outage in the middle of a record resumes on the new connection as a
    /// valid pcap stream: a fresh global header, then whole records.
    func testPcapStreamResumesAtARecordBoundaryAfterAnOutage() async throws {
        let certificate = try SelfSignedCertificate()
        let first = try await D4Receiver.start(certificate: certificate)
        let port = first.port
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        for index in 0 ..< 6 { writer.append(seconds: UInt32(index), fraction: 0, packet: [UInt8](repeating: UInt8(index), count: 100)) }
        let stream = writer.bytes  // 24 + 6 × 116
        let recordStart = { (index: Int) in 24 + index * 116 }
        let pipe = TestPipe()
        let runner = SensorRunner(settings: try settings(port: port, trust: .pinned(certificate.fingerprint)), logger: quietLogger)
        let sensor = Task {
            try await runner.runToNetwork(source: try FileSequenceSource(descriptor: pipe.readEnd, name: "pipe"),
                                          group: MultiThreadedEventLoopGroup.singleton)
        }
        // Header, records 0-1 and half of record 2 before the outage.
        let cut = recordStart(2) + 50
        pipe.write(Array(stream[..<cut]))
        try await first.waitFor { $0.payload.count == cut }
        try await first.close()
        try await Task.sleep(for: .milliseconds(300))
        // The rest of record 2 and records 3-5 after it.
        pipe.write(Array(stream[cut...]))
        pipe.closeWriter()
        let second = try await D4Receiver.start(port: port, certificate: certificate)
        defer { Task { try? await second.close() } }
        _ = try await sensor.value
        try await second.waitFor { $0.allFrames.last?.header.size == 0 }
        let expected = Array(stream[..<24]) + Array(stream[recordStart(3)...])
        XCTAssertEqual(second.payload, expected, "new header, then records 3-5; the split record 2 cannot be completed")
        var reader = PcapStreamReader()
        var records = 0
        try second.payload.withUnsafeBytes { raw in try reader.feed(raw) { _ in records += 1 } }
        XCTAssertEqual(records, 3)
    }

    func testMetaHeaderIsSentFirstOnEveryConnection() async throws {
        let receiver = try await D4Receiver.start()
        defer { Task { try? await receiver.close() } }
        var settings = try settings(port: receiver.port, trust: .pinned(receiver.fingerprint), type: .extended)
        settings.metaHeader = try MetaHeader(json: Array(#"{"type":"ja3-jl","encoding":"utf-8"}"#.utf8))
        let file = try makeTemporaryDirectory("input").appendingPathComponent("ja3.jsonl")
        try Data("{\"ja3\":\"abc\"}\n".utf8).write(to: file)
        _ = try await SensorRunner(settings: settings, logger: quietLogger)
            .runToNetwork(source: try FileSequenceSource(paths: [file.path], mergePcapFiles: false), group: MultiThreadedEventLoopGroup.singleton)
        try await receiver.waitFor { $0.allFrames.last?.header.size == 0 && $0.allFrames.count == 3 }
        XCTAssertEqual(receiver.allFrames.map(\.header.type), [.metaHeader, .extended, .extended])
        XCTAssertEqual(String(buffer: receiver.allFrames[0].payload), #"{"type":"ja3-jl","encoding":"utf-8"}"#)
    }
}
