import ArgumentParser
import Crypto
import D4Protocol
import D4Sensor
import D4TLS
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// `d4 bench sensor`: frames and signs a large input with the sensor's real code paths — from a file
/// and from a pipe, to /dev/null and over TLS to a loopback sink — and prints MB/s and frames/s beside
/// one core's HMAC-SHA256 speed measured in the same run.
struct BenchSensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor",
        abstract: "Benchmark the sensor: framing + HMAC from file/pipe to /dev/null and over TLS.")

    @Option(help: "Input size in bytes (default 1 GB).") var bytes: Int = 1_000_000_000
    @Option(help: "Folder for the generated input.") var workDir: String = NSTemporaryDirectory()
    @Option(help: "Snaplens to measure.") var snaplen: [Int] = [4096, 65535]
    @Flag(help: "Skip the TLS runs.") var noTLS = false

    func run() async throws {
        lineBufferStandardOutput()
        #if DEBUG
        printError("warning: this is a debug build; figures are meaningless. Use: swift run -c release d4 bench sensor")
        #endif
        let input = URL(fileURLWithPath: workDir).appendingPathComponent("d4-bench-sensor-\(bytes).bin")
        try generateInput(at: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let uuid = UUID(uuidString: "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07")!
        let key = Array("private key to change".utf8)
        print("input: \(bytes) bytes (\(input.path))")
        print("reference figures (PROTOCOL.md, this kind of machine): CIRCL C client 69 MB/s; TLS alone ≈ 500 MB/s")
        print(String(repeating: "-", count: 96))
        print(pad("case", 34), pad("snaplen", 8), pad("MB/s", 10), pad("frames/s", 12), pad("HMAC limit MB/s", 16), "ratio")
        for snap in snaplen {
            let limit = hmacLimit(chunk: snap, key: key)
            var settings = SensorSettings(uuid: uuid, key: key, type: .pcap, snaplen: snap)
            settings.stateDirectory = URL(fileURLWithPath: workDir).appendingPathComponent("d4-bench-state-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: settings.stateDirectory) }

            let fromFile = try measure { try toDevNull(settings, source: FileSequenceSource(paths: [input.path], mergePcapFiles: false)) }
            row("file -> /dev/null", snap, fromFile, limit)

            let fromPipe = try measure { try pipeToDevNull(settings, input: input) }
            row("pipe -> /dev/null", snap, fromPipe, limit)

            if !noTLS {
                let overTLS = try await measureAsync { try await fileOverTLS(settings, input: input) }
                row("file -> TLS loopback sink", snap, overTLS, limit)
            }
        }
    }

    private struct Run { var seconds: Double; var frames: Int }

    private func row(_ name: String, _ snap: Int, _ run: Run, _ limit: Double) {
        let mbps = Double(bytes) / run.seconds / 1e6
        print(pad(name, 34), pad("\(snap)", 8), pad(String(format: "%.0f", mbps), 10),
              pad(String(format: "%.0f", Double(run.frames) / run.seconds), 12), pad(String(format: "%.0f", limit), 16),
              String(format: "%.2f", mbps / limit))
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func measure(_ body: () throws -> Int) throws -> Run {
        let start = ContinuousClock.now
        let frames = try body()
        return Run(seconds: (ContinuousClock.now - start).seconds, frames: frames)
    }

    private func measureAsync(_ body: () async throws -> Int) async throws -> Run {
        let start = ContinuousClock.now
        let frames = try await body()
        return Run(seconds: (ContinuousClock.now - start).seconds, frames: frames)
    }

    /// One core's HMAC-SHA256 over `chunk`-byte messages (new MAC per message, like one per frame).
    private func hmacLimit(chunk: Int, key: [UInt8]) -> Double {
        let data = [UInt8](repeating: 0xA5, count: chunk)
        let symmetric = SymmetricKey(data: key)
        let total = min(bytes, 500_000_000)
        var done = 0
        var sink: UInt8 = 0
        let start = ContinuousClock.now
        data.withUnsafeBytes { raw in
            while done < total {
                var mac = HMAC<SHA256>(key: symmetric)
                mac.update(data: raw)
                sink ^= mac.finalize().withUnsafeBytes { $0[0] }
                done += chunk
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        if sink == 0x42 { print("") }  // keeps the work observable
        return Double(done) / seconds / 1e6
    }

    private func toDevNull(_ settings: SensorSettings, source: ByteSource) throws -> Int {
        let output = open("/dev/null", O_WRONLY)
        defer { close(output) }
        return try SensorRunner(settings: settings).runToDescriptor(output, source: source).frames
    }

    private func pipeToDevNull(_ settings: SensorSettings, input: URL) throws -> Int {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SourceError(path: "pipe", errno: errno) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let feeder = Thread {
            let fd = open(input.path, O_RDONLY)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate(); close(fd); close(writeEnd) }
            while true {
                let count = read(fd, buffer.baseAddress, buffer.count)
                if count <= 0 { break }
                var written = 0
                while written < count {
                    let step = write(writeEnd, buffer.baseAddress! + written, count - written)
                    if step <= 0 { return }
                    written += step
                }
            }
        }
        feeder.start()
        defer { close(readEnd) }
        return try toDevNull(settings, source: FileSequenceSource(descriptor: readEnd, name: "pipe"))
    }

    private func fileOverTLS(_ settings: SensorSettings, input: URL) async throws -> Int {
        let certificate = try SelfSignedCertificate()
        let received = Atomic<Int>(0)
        let server = try await ByteSinkServer.start(identity: try ServerIdentity(selfSigned: certificate),
                                                    group: MultiThreadedEventLoopGroup.singleton) { _, buffer in
            received.add(buffer.readableBytes, ordering: .relaxed)
        }
        defer { Task { try? await server.close() } }
        var network = settings
        network.destination = .tls(host: "127.0.0.1", port: server.port)
        network.trust = .pinned(certificate.fingerprint)
        LogSetup.bootstrap(verbose: false)
        var logger = Logger(label: "d4.bench")
        logger.logLevel = .error
        let runner = SensorRunner(settings: network, logger: logger)
        let report = try await runner.runToNetwork(source: try FileSequenceSource(paths: [input.path], mergePcapFiles: false),
                                                   group: MultiThreadedEventLoopGroup.singleton)
        let expected = (report.uplink?.bytesSent ?? 0)
        let deadline = ContinuousClock.now + .seconds(30)
        while received.load(ordering: .relaxed) < expected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        guard received.load(ordering: .relaxed) >= expected else {
            throw ValidationError("the TLS sink received \(received.load(ordering: .relaxed)) of \(expected) bytes")
        }
        return report.frames
    }

    private func generateInput(at url: URL) throws {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size == bytes { return }
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        let block = Data((0 ..< (1 << 20)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) })
        var written = 0
        while written < bytes {
            let count = min(block.count, bytes - written)
            try handle.write(contentsOf: block.prefix(count))
            written += count
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
