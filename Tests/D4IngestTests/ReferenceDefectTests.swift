import D4Archive
import D4Basics
import D4Protocol
import D4Store
import D4TLS
import D4TestSupport
import Foundation
import PacketCapture
import XCTest
@testable import D4Ingest

/// The reference server's known defects (PROTOCOL.md), each shown absent. Defects 3, 4, 5, 9 and 13
/// (timestamps) are also covered in AdmissionRuleTests and VectorArchiveTests.
final class ReferenceDefectTests: XCTestCase {
    private let input = Array((0 ..< 50).map { "line \($0) of a generic log\n" }.joined().utf8)

    /// Defect 1: the last frame was lost when the final read was shorter than 62 bytes.
    func testLastFrameArrivingInAShortFinalReadIsKept() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let stream = StreamMaker().stream(type: .genericLog, input: input, snaplen: 100)
        let client = try await RawD4Client(port: harness.port)
        try await client.send(Array(stream.dropLast(20)))
        try await Task.sleep(for: .milliseconds(200))
        try await client.send(Array(stream.suffix(20)))
        await client.finish()
        try await harness.waitUntilIdle()
        XCTAssertEqual(Array(try harness.archivedFiles().values), [input])
    }

    /// Defect 2: a pause in the middle of a frame lost the frame and desynchronised the stream.
    func testPauseInTheMiddleOfAFrameLosesNothing() async throws {
        let harness = try await IngestHarness(ingest: { $0.headerTimeout = .milliseconds(500) })
        defer { Task { await harness.shutdown() } }
        let stream = StreamMaker().stream(type: .genericLog, input: input, snaplen: 100)
        let client = try await RawD4Client(port: harness.port)
        try await client.send(Array(stream.prefix(250)))
        try await Task.sleep(for: .seconds(1.5))  // three times the header timeout, mid-frame
        try await client.send(Array(stream.dropFirst(250)))
        await client.finish()
        try await harness.waitUntilIdle()
        XCTAssertEqual(Array(try harness.archivedFiles().values), [input])
        let failures = try await harness.failures()
        XCTAssertTrue(failures.isEmpty, "\(failures)")
    }

    /// Defect 6: two sessions of one sensor in the same second wrote the same file name.
    func testTwoSessionsInTheSameSecondGetTwoFiles() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let pcap = try ReferenceVector.all[2].inputBytes
        for _ in 0 ..< 2 {
            let client = try await RawD4Client(port: harness.port)
            try await client.send(StreamMaker().stream(type: .pcap, input: pcap))
            await client.finish()
        }
        try await harness.waitUntilIdle()
        let files = try harness.archivedFiles().filter { $0.key.hasSuffix(".pcap") }
        XCTAssertEqual(files.count, 2)
        XCTAssertTrue(files.values.allSatisfy { $0 == pcap })
    }

    /// Defect 7: keys with HTML special characters never authenticated; long keys were cut.
    func testKeysWithSpecialCharactersAuthenticate() async throws {
        let harness = try await IngestHarness(configure: { $0.defaultKey = nil })
        defer { Task { await harness.shutdown() } }
        let key = Array("k&<>\"' ".utf8) + [UInt8](repeating: 0x7A, count: 900)
        try await harness.store.setSensorKey(IngestHarness.referenceUUID, Data(key))
        try await Task.sleep(for: .milliseconds(300))
        var maker = StreamMaker()
        maker.key = key
        let client = try await RawD4Client(port: harness.port)
        try await client.send(maker.stream(type: .genericLog, input: input))
        await client.finish()
        try await harness.waitUntilIdle()
        XCTAssertEqual(Array(try harness.archivedFiles().values), [input])
    }

    /// Defect 8: workers were never reaped. Here: after many sessions nothing stays open.
    func testNothingStaysOpenAfterManySessions() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        for index in 0 ..< 20 {
            var maker = StreamMaker()
            maker.uuid = UUID()
            let client = try await RawD4Client(port: harness.port)
            try await client.send(maker.stream(type: .genericLog, input: Array("session \(index)\n".utf8)))
            await client.finish()
        }
        try await harness.waitUntilIdle()
        XCTAssertEqual(harness.server.connectionCount, 0)
        XCTAssertTrue(harness.archive.openFiles.paths.isEmpty, "every archive file closed: \(harness.archive.openFiles.paths)")
        XCTAssertEqual(try harness.archivedFiles().count, 20)
    }

    /// Defect 11: the reference bound every interface, hard-coded. Here it binds what it is told.
    func testBindsOnlyTheGivenAddresses() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        XCTAssertEqual(harness.server.boundAddresses.map(\.ipAddress), ["127.0.0.1"])
        let v6 = try await IngestHarness(ingest: { $0.listen = [ListenAddress(parsing: "[::1]:0")!] })
        defer { Task { await v6.shutdown() } }
        XCTAssertEqual(v6.server.boundAddresses.map(\.ipAddress), ["::1"])
        let client = try await RawD4Client(port: v6.port, host: "::1")
        try await client.send(StreamMaker().stream(type: .genericLog, input: input))
        await client.finish()
        try await v6.waitUntilIdle()
        XCTAssertEqual(Array(try v6.archivedFiles().values), [input])
    }

    /// Defect 12: data reached disk only after ~10 s. Here: within about a second, session still open.
    func testDataReachDiskWhileTheSessionIsOpen() async throws {
        let harness = try await IngestHarness()
        defer { Task { await harness.shutdown() } }
        let pcap = try ReferenceVector.all[2].inputBytes
        let client = try await RawD4Client(port: harness.port)
        try await client.send(Array(StreamMaker().stream(type: .pcap, input: pcap).dropLast(62)))  // no end frame
        try await Task.sleep(for: .seconds(1))
        let files = try harness.archivedFiles()
        XCTAssertEqual(Array(files.values), [pcap], "the open file already holds every complete record")
        await client.finish()
    }

    /// Defect 13: the HMAC comparison was a plain string compare; here it is constant-time.
    func testAuthenticationCodeComparisonIsConstantTime() {
        // The comparison ORs the XOR of all four words: no early exit whatever byte differs.
        let base = [UInt8](repeating: 0x11, count: 32)
        let code = base.withUnsafeBytes { AuthenticationCode(copying: $0) }
        for index in [0, 15, 31] {
            var other = base
            other[index] ^= 1
            XCTAssertFalse(code.matches(other.withUnsafeBytes { AuthenticationCode(copying: $0) }))
        }
    }
}
