import D4Protocol
import D4TestSupport
import Foundation
import PacketCapture
import XCTest

/// The real `d4 server` binary: start-up on a fresh data directory, and a kill -9 in the middle of
/// ingest that leaves every file readable up to its last complete record.
final class ServerProcessTests: XCTestCase {
    private func startServer(dataDirectory: URL, extra: [String] = []) throws -> (Process, Int, String) {
        let process = Process()
        process.executableURL = try d4Executable()
        process.arguments = ["server", "--data-dir", dataDirectory.path, "--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0",
                             "--replay-window", "0"] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "listening on 127.0.0.1:"), text.contains("mode:") {
                let port = Int(text[range.upperBound...].prefix { $0.isNumber })!
                return (process, port, text)
            }
        }
        process.terminate()
        throw XCTSkip("server did not start: \(text)")
    }

    func testFreshStartPrintsWhatANewcomerNeeds() throws {
        let directory = try makeTemporaryDirectory("server-start")
        let (process, _, text) = try startServer(dataDirectory: directory)
        defer { process.interrupt(); process.waitUntilExit() }
        XCTAssertTrue(text.contains("made a self-signed TLS certificate"), text)
        XCTAssertTrue(text.contains("user: admin   password: "), text)
        XCTAssertTrue(text.contains("fingerprint"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("d4.sqlite").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tls/key.pem").path))
    }

    func testSigtermShutsDownCleanly() throws {
        let directory = try makeTemporaryDirectory("server-stop")
        let (process, _, _) = try startServer(dataDirectory: directory)
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testKillDuringIngestLeavesFilesReadable() async throws {
        let directory = try makeTemporaryDirectory("server-kill")
        let keyFile = directory.appendingPathComponent("default.key")
        try Data("private key to change\n".utf8).write(to: keyFile)
        let (process, port, _) = try startServer(dataDirectory: directory, extra: ["--default-key-file", keyFile.path])
        // A pcap stream of 200 records, then a half record; no end of stream.
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        for index in 0 ..< 200 { writer.append(seconds: UInt32(index), fraction: 0, packet: [UInt8](repeating: UInt8(index & 0xFF), count: 300)) }
        let complete = writer.bytes
        let stream = StreamMaker().stream(type: .pcap, input: complete + Array(complete[24 ..< 24 + 100]), snaplen: 1000)
        let client = try await RawD4Client(port: port)
        try await client.send(Array(stream.dropLast(62)))
        try await Task.sleep(for: .seconds(2))  // flushed to the OS within about a second
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        await client.finish()

        let archive = directory.appendingPathComponent("archive")
        let files = FileManager.default.enumerator(atPath: archive.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".pcap") } ?? []
        XCTAssertEqual(files.count, 1, "\(files)")
        var reader = try CaptureFileReader(path: archive.appendingPathComponent(files[0]).path)
        var records = 0
        let summary = try reader.forEachRecord { _ in records += 1 }
        XCTAssertEqual(records, 200, "every complete record, nothing torn: \(summary)")
        XCTAssertEqual([UInt8](try Data(contentsOf: archive.appendingPathComponent(files[0]))), complete)
    }
}
