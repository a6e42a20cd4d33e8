import ArgumentParser
import D4Protocol
import D4TLS
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PacketCapture
import Synchronization

/// `d4 bench ingest`: starts a real `d4 server` process (archiving on), drives it over TLS on
/// loopback with N concurrent sensors sending pcap at 4 KiB and 64 KiB frames, and prints MB/s,
/// frames/s, the server's CPU seconds and peak memory — beside plain TLS loopback throughput
/// measured in the same run.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark the server: N concurrent TLS sensors into a real `d4 server` process.")

    // Runs with several sensors hang in this version (the bench client waits forever for the last
    // connection to close; 10 real `d4 sensor` processes against one server do finish): 1 until fixed.
    @Option(help: "Concurrent sensors to measure (more than 1 currently hangs: known bench bug).") var sensors: [Int] = [1]
    @Option(help: "Frame payload sizes to measure.") var frameSize: [Int] = [4096, 65536]
    @Option(help: "Seconds of sending per case.") var seconds: Double = 5
    @Option(help: "Folder for the server's data directory.") var workDir: String = NSTemporaryDirectory()

    func run() async throws {
        lineBufferStandardOutput()
        #if DEBUG
        printError("warning: this is a debug build; figures are meaningless. Use: swift run -c release d4 bench ingest")
        #endif
        // 1,000 sensors need more than the usual 1,024 descriptors.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

        let tlsLimit = try await plainTLSThroughput()
        print("plain TLS loopback, one connection, no D4 (same run): \(String(format: "%.0f", tlsLimit)) MB/s")
        print("reference server on this kind of machine (PROTOCOL.md): 3.4–5.2 MB/s at 64 KiB, 0.7–1.2 MB/s at 4 KiB")
        print(String(repeating: "-", count: 100))
        print(pad("sensors", 9), pad("frame", 7), pad("MB/s", 9), pad("frames/s", 10), pad("server CPU s", 13),
              pad("server CPU/s", 13), pad("peak RSS MB", 12), "vs TLS")
        for size in frameSize {
            for count in sensors {
                let result = try await measure(sensors: count, frameSize: size)
                print(pad("\(count)", 9), pad("\(size)", 7), pad(String(format: "%.1f", result.megabytesPerSecond), 9),
                      pad(String(format: "%.0f", result.framesPerSecond), 10), pad(String(format: "%.2f", result.serverCPU), 13),
                      pad(String(format: "%.2f", result.serverCPU / result.elapsed), 13), pad(String(format: "%.0f", result.peakMegabytes), 12),
                      String(format: "%.2f", result.megabytesPerSecond / tlsLimit))
            }
        }
    }

    private struct Result { var megabytesPerSecond, framesPerSecond, serverCPU, elapsed, peakMegabytes: Double }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// One case: a fresh server process, `sensors` TLS connections sending for `seconds`.
    private func measure(sensors: Int, frameSize: Int) async throws -> Result {
        let dataDirectory = URL(fileURLWithPath: workDir).appendingPathComponent("d4-bench-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let key = Array("bench default key".utf8)
        let keyFile = dataDirectory.appendingPathComponent("default.key")
        try Data(key + [10]).write(to: keyFile)
        let server = try ServerProcess(arguments: ["server", "--data-dir", dataDirectory.path, "--listen", "127.0.0.1:0",
                                                   "--default-key-file", keyFile.path, "--replay-window", "0"])
        defer { server.stop() }
        let port = try server.waitForPort()

        let payload = Self.pcapPayload(size: frameSize)
        let group = MultiThreadedEventLoopGroup.singleton
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let sent = FrameCounter()
        let cpuBefore = server.cpuSeconds()
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0 ..< sensors {
                tasks.addTask {
                    let uuid = UUID()
                    let builder = try FrameBuilder(uuid: uuid, type: .pcap, key: key, maximumPayload: max(payload.count, 24))
                    let now = UInt64(Date().timeIntervalSince1970)
                    let headerFrame = PcapFileHeader(linkType: 1).bytes.withUnsafeBytes { ByteBuffer(bytes: builder.frame(payload: $0, timestamp: now)) }
                    let dataFrame = payload.withUnsafeBytes { ByteBuffer(bytes: builder.frame(payload: $0, timestamp: now)) }
                    let endFrame = ByteBuffer(bytes: builder.finish(payloadCount: 0, timestamp: now))
                    // Wait for the handshake: writes made before it are buffered by the TLS handler
                    // without backpressure.
                    let handshake = group.any().makePromise(of: Void.self)
                    let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                            try channel.pipeline.syncOperations.addHandler(HandshakeCompletion(promise: handshake))
                            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel,
                                                                               configuration: .init(isOutboundHalfClosureEnabled: true))
                        }
                    }
                    try await handshake.futureResult.get()
                    try await channel.executeThenClose { inbound, outbound in
                        try await outbound.write(headerFrame)
                        while ContinuousClock.now < deadline {
                            try await outbound.write(contentsOf: repeatElement(dataFrame, count: 8))
                            sent.add(8)
                        }
                        try await outbound.write(endFrame)
                        outbound.finish()
                        for try await _ in inbound {}
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let elapsed = (ContinuousClock.now - start).seconds
        // Let the server finish writing what it received before reading its CPU time.
        try await Task.sleep(for: .milliseconds(500))
        let frames = Double(sent.value)
        return Result(megabytesPerSecond: frames * Double(payload.count) / elapsed / 1e6, framesPerSecond: frames / elapsed,
                      serverCPU: server.cpuSeconds() - cpuBefore, elapsed: elapsed, peakMegabytes: server.peakMegabytes())
    }

    /// `size` bytes of whole pcap records (Ethernet/IPv4/UDP), so the archive sees a valid pcap stream.
    static func pcapPayload(size: Int) -> [UInt8] {
        let recordSize = 512
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        var packet = [UInt8](repeating: 0, count: recordSize - 16)
        packet[12] = 0x08  // EtherType IPv4
        packet[14] = 0x45
        for index in 0 ..< size / recordSize {
            packet[30] = UInt8(truncatingIfNeeded: index)
            writer.append(seconds: 1_700_000_000 + UInt32(index), fraction: 0, packet: packet)
        }
        return Array(writer.bytes.dropFirst(PcapFileHeader.size))
    }

    /// One TLS connection on loopback into a sink that discards: the ceiling for any TLS ingest here.
    private func plainTLSThroughput() async throws -> Double {
        let certificate = try SelfSignedCertificate()
        let received = Atomic<Int>(0)
        let sink = try await ByteSinkServer.start(identity: try ServerIdentity(selfSigned: certificate), group: MultiThreadedEventLoopGroup.singleton) { _, buffer in
            received.add(buffer.readableBytes, ordering: .relaxed)
        }
        defer { Task { try? await sink.close() } }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let chunk = ByteBuffer(repeating: 0x5A, count: 1 << 16)
        let total = 1 << 30
        let start = ContinuousClock.now
        let handshake = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: sink.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                try channel.pipeline.syncOperations.addHandler(HandshakeCompletion(promise: handshake))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
        try await handshake.futureResult.get()
        try await channel.executeThenClose { inbound, outbound in
            var written = 0
            while written < total {
                try await outbound.write(contentsOf: repeatElement(chunk, count: 16))
                written += 16 << 16
            }
            outbound.finish()
            for try await _ in inbound {}
        }
        while received.load(ordering: .relaxed) < total { try await Task.sleep(for: .milliseconds(5)) }
        return Double(total) / (ContinuousClock.now - start).seconds / 1e6
    }
}

/// A `d4 server` child process of this very binary, with its CPU time and peak memory from /proc.
final class ServerProcess: @unchecked Sendable {
    // Used from the bench's task only.
    private let process = Process()
    /// The server's output goes to a file, not a pipe: an undrained pipe would block its logging.
    private let outputFile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("d4-bench-server-\(UUID().uuidString).log")

    init(arguments: [String]) throws {
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Reads the server's start-up lines until it prints the address it listens on.
    func waitForPort(timeout: Double = 60) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline, process.isRunning {
            text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), !digits.isEmpty { return port }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ValidationError("the server did not start: \(text)")
    }

    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func peakMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }

    func stop() {
        process.interrupt()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: outputFile)
    }
}

/// Frames written by all bench sensors together.
final class FrameCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add(_ frames: Int) { count.add(frames, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
