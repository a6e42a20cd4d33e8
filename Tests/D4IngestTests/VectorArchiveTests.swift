import D4Protocol
import D4Store
import D4TestSupport
import Foundation
import XCTest
@testable import D4Ingest

/// Each reference vector sent over real TLS — in one write, byte by byte, cut at random offsets — is
/// archived exactly once: pcap byte-identical, text line-exact, non-pcap kept raw.
final class VectorArchiveTests: XCTestCase {
    private func harness() async throws -> IngestHarness {
        let harness = try await IngestHarness()
        let v04 = ReferenceVector.all[3]
        try await harness.store.setSensorKey(UUID(uuidString: v04.uuid)!, Data(v04.key))
        try await Task.sleep(for: .milliseconds(300))  // the server picks admin changes up within its refresh interval
        return harness
    }

    private func send(_ stream: [UInt8], cuts: [Int], to harness: IngestHarness, byteByByte: Bool = false) async throws {
        let client = try await RawD4Client(port: harness.port)
        if byteByByte {
            for byte in stream { try await client.send([byte]) }
        } else {
            try await client.send(stream, cuts: cuts)
        }
        await client.finish()
    }

    func testPcapVectorIsArchivedByteIdenticalHoweverItIsCut() async throws {
        let harness = try await harness()
        defer { Task { await harness.shutdown() } }
        let vector = ReferenceVector.all[2]
        let stream = try vector.stream
        var generator = SeededGenerator(seed: 3)
        var patterns: [[Int]] = [[]]
        for _ in 0 ..< 10 { patterns.append((0 ..< Int.random(in: 1 ... 20, using: &generator)).map { _ in Int.random(in: 0 ..< stream.count, using: &generator) }) }
        for cuts in patterns { try await send(stream, cuts: cuts, to: harness) }
        try await send(stream, cuts: [], to: harness, byteByByte: true)
        try await harness.waitUntilIdle()
        let files = try harness.archivedFiles().filter { $0.key.hasSuffix(".pcap") }
        XCTAssertEqual(files.count, patterns.count + 1, "one pcap file per session, no clash: \(files.keys.sorted())")
        for (name, content) in files {
            XCTAssertEqual(content, try vector.inputBytes, "\(name) must equal small.pcap")
            XCTAssertTrue(name.hasPrefix("3c7e5b2a9f1d4e8ab6c42d5f8a1e9b07/1/"), name)
        }
    }

    func testPassiveDNSVectorIsArchivedLineExact() async throws {
        let harness = try await harness()
        defer { Task { await harness.shutdown() } }
        let vector = ReferenceVector.all[3]
        let stream = try vector.stream
        try await send(stream, cuts: [100, 101, 300, 577], to: harness)
        try await send(stream, cuts: [], to: harness, byteByByte: true)
        try await harness.waitUntilIdle()
        let files = try harness.archivedFiles().filter { $0.key.contains("/8/") && !$0.key.hasSuffix(".json") }
        XCTAssertEqual(files.count, 2)
        for (name, content) in files {
            XCTAssertEqual(content, try vector.inputBytes, "\(name): lines split across 64-byte frames are written once (defect 5)")
        }
    }

    func testNonPcapType1IsKeptRawWithAnErrorOnTheSensor() async throws {
        let harness = try await harness()
        defer { Task { await harness.shutdown() } }
        let vector = ReferenceVector.all[1]  // "Hello D4!\n" sent as type 1
        try await send(try vector.stream, cuts: [], to: harness)
        try await harness.waitUntilIdle()
        let raw = try harness.archivedFiles().filter { $0.key.hasSuffix(".raw") }
        XCTAssertEqual(Array(raw.values), [try vector.inputBytes], "kept, never deleted (defect 9)")
        let lastError = try await harness.store.sensor(IngestHarness.referenceUUID)?.lastError
        XCTAssertNotNil(lastError)
        XCTAssertTrue(lastError?.contains("pcap") ?? false, lastError ?? "")
    }

    func testEmptyStreamLeavesNoFile() async throws {
        let harness = try await harness()
        defer { Task { await harness.shutdown() } }
        try await send(try ReferenceVector.all[0].stream, cuts: [], to: harness)
        try await harness.waitUntilIdle()
        XCTAssertTrue(try harness.archivedFiles().isEmpty)
    }
}
