import D4Protocol
import D4TestSupport
import Foundation
import XCTest
@testable import D4Sensor

/// `d4 sensor` writing to stdout must reproduce the reference client's streams byte for byte.
final class StdoutStreamTests: XCTestCase {
    func testRunnerReproducesEveryVector() throws {
        for vector in ReferenceVector.all {
            var inputs = SensorSettings.Inputs()
            inputs.configDirectory = vector.configDirectory.path
            var settings = try SensorSettings.resolve(inputs)
            settings.fixedTimestamp = ReferenceVector.timestamp
            let input = open(vector.input.path, O_RDONLY)
            defer { close(input) }
            let output = try runToTemporaryFile { fd in
                _ = try SensorRunner(settings: settings).runToDescriptor(fd, source: try FileSequenceSource(descriptor: input, name: "stdin"))
            }
            XCTAssertEqual(output, try vector.stream, vector.name)
        }
    }

    /// The issue's own check: the real binary, a config directory, stdin redirected from the file.
    func testBinaryReproducesVectorFromStdin() throws {
        let binary = try d4Executable()
        let vector = ReferenceVector.all[2]
        let output = try runProcess(binary, ["sensor", "-c", vector.configDirectory.path, "--fixed-timestamp", "1704067200"], stdin: vector.input)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, try vector.stream)
    }

    /// Under a frozen clock (libfaketime), exactly as the issue states it. Needs the `faketime`
    /// package, which .ci/run installs.
    func testBinaryUnderFaketimeReproducesVector() throws {
        guard let faketime = ["/usr/bin/faketime", "/usr/local/bin/faketime"].first(where: FileManager.default.isExecutableFile) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("faketime is not installed; .ci/run must install it") }
            throw XCTSkip("faketime not installed (apt-get install faketime)")
        }
        let vector = ReferenceVector.all[2]
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        let output = try runProcess(URL(fileURLWithPath: faketime),
                             ["-f", "@2024-01-01 00:00:00", try d4Executable().path, "sensor", "-c", vector.configDirectory.path],
                             stdin: vector.input, environment: environment)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, try vector.stream)
    }

    func testBinaryRefusesBadSettingsWithAClearMessage() throws {
        let binary = try d4Executable()
        let empty = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let output = try runProcess(binary, ["sensor", "--uuid", "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07", "--snaplen", "70000", "--key", "k"],
                             stdin: URL(fileURLWithPath: "/dev/null"))
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.stderr.contains("snaplen \"70000\" is out of range"), output.stderr)
        let noKey = try runProcess(binary, ["sensor", "--uuid", "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07"], stdin: URL(fileURLWithPath: "/dev/null"))
        XCTAssertEqual(noKey.status, 2)
        XCTAssertTrue(noKey.stderr.contains("no key"), noKey.stderr)
        XCTAssertTrue(noKey.stdout.isEmpty, "nothing is sent when the configuration is refused")
    }

    func testMetaHeaderFrameComesFirstForType254() throws {
        var settings = SensorSettings(uuid: UUID(), key: Array("k".utf8), type: .extended, snaplen: 16)
        settings.metaHeader = try MetaHeader(type: "ja3-jl")
        let input = try makeTemporaryDirectory().appendingPathComponent("in.jsonl")
        try Data("{\"a\":1}\n".utf8).write(to: input)
        let output = try runToTemporaryFile { fd in
            _ = try SensorRunner(settings: settings).runToDescriptor(fd, source: try FileSequenceSource(paths: [input.path], mergePcapFiles: false))
        }
        let frames = try decodeFrames(output)
        XCTAssertEqual(frames.map(\.header.type), [.metaHeader, .extended, .extended])
        XCTAssertEqual(Array(frames[0].payload.readableBytesView), settings.metaHeader?.json)
    }

    func testPcapFilesWithTheSameHeaderMergeAndOthersStartANewSession() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let small = try ReferenceVector.all[2].inputBytes
        let a = directory.appendingPathComponent("a.pcap"), b = directory.appendingPathComponent("b.pcap")
        let c = directory.appendingPathComponent("c.pcap")
        try Data(small).write(to: a)
        try Data(small).write(to: b)
        var other = small
        other[20] = 101  // link type raw IP: cannot continue an Ethernet stream
        try Data(other).write(to: c)
        let settings = SensorSettings(uuid: UUID(uuidString: "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07")!, key: Array("k".utf8),
                                      type: .pcap, snaplen: 65535, fixedTimestamp: 1)
        let output = try runToTemporaryFile { fd in
            _ = try SensorRunner(settings: settings).runToDescriptor(fd, source: try FileSequenceSource(paths: [a.path, b.path, c.path], mergePcapFiles: true))
        }
        let frames = try decodeFrames(output)
        // Split the stream at empty frames: two sessions plus the final empty frame.
        var sessions: [[UInt8]] = [[]]
        for frame in frames {
            if frame.header.size == 0 { sessions.append([]) } else { sessions[sessions.count - 1] += Array(frame.payload.readableBytesView) }
        }
        XCTAssertEqual(sessions.count, 3)
        XCTAssertEqual(sessions[0], small + Array(small[24...]), "the second file continues the stream without its header")
        XCTAssertEqual(sessions[1], other, "a file with another link type starts a new session with its own header")
        XCTAssertEqual(sessions[2], [])
    }
}

// MARK: helpers shared by the sensor tests

func runToTemporaryFile(_ body: (Int32) throws -> Void) throws -> [UInt8] {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("d4-out-\(UUID().uuidString)")
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    defer { try? FileManager.default.removeItem(at: url) }
    do {
        try body(fd)
        close(fd)
    } catch {
        close(fd)
        throw error
    }
    return [UInt8](try Data(contentsOf: url))
}

func decodeFrames(_ bytes: [UInt8]) throws -> [Frame] {
    var buffer = ByteBuffer(bytes: bytes)
    var frames: [Frame] = []
    let decoder = FrameDecoder()
    while let frame = try decoder.nextFrame(from: &buffer) { frames.append(frame) }
    XCTAssertEqual(buffer.readableBytes, 0, "trailing bytes")
    return frames
}

import NIOCore
