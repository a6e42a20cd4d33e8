import ArgumentParser
import D4Ingest
import D4Protocol
import D4Store
import D4StoreFactory
import D4TLS
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PacketCapture
import Synchronization

/// `d4 bench ingest`: starts a real `d4 server` process (archiving and gzip on), drives it over TLS
/// on loopback with N concurrent sensors sending pcap at 4 KiB and 64 KiB frames, and prints MB/s,
/// frames/s, the server's CPU and peak memory — beside plain TLS loopback throughput measured just
/// before each case (this machine is shared and noisy: only the ratio travels).
///
/// A case lasts what it says: every sensor writes with backpressure (the channel's write buffer is
/// bounded, so a write waits while the server does not read), stops at the deadline, half-closes,
/// and the clock stops when the server has read the last byte of the last sensor and closed. The
/// bytes counted are the ones the server itself recorded in its statistics.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark the server: N concurrent TLS sensors into a real `d4 server` process.")

    @Option(help: "Concurrent sensors to measure.") var sensors: [Int] = [1, 10, 1000]
    @Option(help: "Frame payload sizes to measure.") var frameSize: [Int] = [4096, 65536]
    @Option(help: "Seconds of sending per case.") var seconds: Double = 5
    @Option(help: "Folder for the server's data directory.") var workDir: String = NSTemporaryDirectory()
    @Option(help: "The d4 binary to run as the server (default: this one), e.g. an older build to compare.")
    var serverExecutable: String?
    @Option(help: "Give up on a case when the server has not read everything this many seconds after the sending stopped.")
    var drainTimeout: Double = 120

    func run() async throws {
        lineBufferStandardOutput()
        #if DEBUG
        printError("warning: this is a debug build; figures are meaningless. Use: swift run -c release d4 bench ingest")
        #endif
        // Each sensor is one descriptor here and one in the server (which inherits this limit, and
        // raises its own too): 1,000 sensors need more than the usual 1,024.
        let descriptors = DescriptorLimit.raiseSoftLimit()
        if let most = sensors.max(), most + 64 > descriptors {
            throw ValidationError("\(most) sensors need about \(most + 64) file descriptors; this process may open \(descriptors) (ulimit -Hn)")
        }
        let executable = serverExecutable.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        print("server: \(executable.path) (archiving on, gzip on rotation); \(seconds) s of sending per case")
        print("reference server on this kind of machine (PROTOCOL.md): 3.4–5.2 MB/s at 64 KiB, 0.7–1.2 MB/s at 4 KiB")
        print("TLS MB/s: one plain TLS connection on loopback into a discarding sink, measured just before the case (the ceiling)")
        print(String(repeating: "-", count: 128))
        print(pad("sensors", 8), pad("frame", 7), pad("MB/s", 8), pad("frames/s", 9), pad("TLS MB/s", 9), pad("ratio", 6),
              pad("srv CPU s/s", 12), pad("s/GB", 6), pad("RSS idle→peak MB", 17), pad("RSS by quarter MB", 20), pad("wall s", 7), pad("drain s", 8), pad("setup s", 8), "server got")
        for size in frameSize {
            for count in sensors {
                let tlsLimit = try await plainTLSThroughput(seconds: min(seconds, 2))
                let result = try await measure(sensors: count, frameSize: size, executable: executable)
                let confirmed = result.sentBytes > 0 ? Double(result.confirmedBytes) / Double(result.sentBytes) : 0
                print(pad("\(count)", 8), pad("\(size)", 7), pad(String(format: "%.1f", result.megabytesPerSecond), 8),
                      pad(String(format: "%.0f", result.framesPerSecond), 9), pad(String(format: "%.0f", tlsLimit), 9),
                      pad(String(format: "%.2f", result.megabytesPerSecond / tlsLimit), 6),
                      pad(String(format: "%.2f", result.serverCPU / result.elapsed), 12),
                      pad(String(format: "%.2f", result.confirmedBytes > 0 ? result.serverCPU / (Double(result.confirmedBytes) / 1e9) : 0), 6),
                      pad(String(format: "%.0f→%.0f", result.idleMegabytes, result.peakMegabytes), 17),
                      pad(result.quarterMegabytes.map { String(format: "%.0f", $0) }.joined(separator: " "), 20),
                      pad(String(format: "%.1f", result.elapsed), 7), pad(String(format: "%.2f", result.drain), 8),
                      pad(String(format: "%.1f", result.setup), 8),
                      String(format: "%.1f%%", confirmed * 100) + (result.failedSensors > 0 ? " (\(result.failedSensors) sensors failed)" : ""))
            }
        }
        print("""
        MB/s and frames/s: payload bytes the server recorded in its statistics ÷ time from the first write until the server had \
        read the last byte and closed the last connection ("wall s"; "drain s" of it after the sending stopped). \
        "server got": recorded ÷ written by the sensors. srv CPU s/s: server CPU seconds per wall second (2 cores = 2.0). \
        RSS idle: after the sensors connected, before sending; peak: VmHWM at the end; by quarter: VmRSS after each quarter \
        of the sending time (flat memory: the last quarters level off). s/GB: server CPU seconds per GB recorded \
        (the cost, which this shared machine's noise changes less than MB/s). gzip of rotated files may still run after a case.
        """)
    }

    private struct Result {
        var sentBytes = 0, confirmedBytes = 0, frames = 0, failedSensors = 0
        var elapsed = 0.0, drain = 0.0, setup = 0.0, serverCPU = 0.0, idleMegabytes = 0.0, peakMegabytes = 0.0
        /// Resident memory at each quarter of the sending time (flat memory shows as a plateau).
        var quarterMegabytes: [Double] = []
        var megabytesPerSecond: Double { Double(confirmedBytes) / elapsed / 1e6 }
        var framesPerSecond: Double { Double(frames) / elapsed }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// One case: a fresh server process, `sensors` TLS connections sending for `seconds`.
    private func measure(sensors: Int, frameSize: Int, executable: URL) async throws -> Result {
        let dataDirectory = URL(fileURLWithPath: workDir).appendingPathComponent("d4-bench-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let key = Array("bench default key".utf8)
        let keyFile = dataDirectory.appendingPathComponent("default.key")
        try Data(key + [10]).write(to: keyFile)
        let server = try ServerProcess(executable: executable,
                                       arguments: ["server", "--data-dir", dataDirectory.path, "--listen", "127.0.0.1:0",
                                                   "--web-listen", "127.0.0.1:0", "--no-live-analysis",
                                                   "--default-key-file", keyFile.path, "--replay-window", "0"])
        defer { server.kill() }
        let port = try server.waitForPort()

        let payload = Self.pcapPayload(size: frameSize)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)

        let setupStart = ContinuousClock.now
        let connected = try await withThrowingTaskGroup(of: BenchSensor.self) { tasks in
            for _ in 0 ..< sensors {
                tasks.addTask {
                    try await BenchSensor.connect(port: port, context: context, key: key, payload: payload,
                                                  batchBytes: BenchSensor.batchBytes(sensors: sensors))
                }
            }
            return try await tasks.reduce(into: [BenchSensor]()) { $0.append($1) }
        }
        var result = Result()
        result.setup = (ContinuousClock.now - setupStart).seconds
        result.idleMegabytes = server.residentMegabytes()

        let cpuBefore = server.cpuSeconds()
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let giveUp = deadline + .milliseconds(Int64(drainTimeout * 1000))
        let sampler = Task { [server, seconds] in
            var samples: [Double] = []
            for quarter in 1 ... 4 {
                try await Task.sleep(until: start + .milliseconds(Int64(seconds * 250) * Int64(quarter)), clock: .continuous)
                samples.append(server.residentMegabytes())
            }
            return samples
        }
        let outcomes = await withTaskGroup(of: BenchSensor.Outcome.self) { tasks in
            for sensor in connected {
                tasks.addTask { await sensor.send(until: deadline, giveUpAt: giveUp) }
            }
            return await tasks.reduce(into: [BenchSensor.Outcome]()) { $0.append($1) }
        }
        result.quarterMegabytes = (try? await sampler.value) ?? []
        let end = outcomes.map(\.closedAt).max() ?? .now
        result.elapsed = (end - start).seconds
        result.drain = (end - deadline).seconds
        result.serverCPU = server.cpuSeconds() - cpuBefore
        result.peakMegabytes = server.peakMegabytes()
        result.failedSensors = outcomes.filter { !$0.completed }.count
        result.sentBytes = outcomes.reduce(0) { $0 + $1.payloadBytes }
        result.frames = outcomes.reduce(0) { $0 + $1.frames }

        // The server writes its statistics every 2 s (1,000 new sensors take a few flushes): wait for the last batch.
        let store = try StoreFactory.open(.sqlite(path: dataDirectory.appendingPathComponent("d4.sqlite").path), options: .init(mustExist: true))
        let waitUntil = ContinuousClock.now + .seconds(30)
        repeat {
            result.confirmedBytes = Int(try await store.dailyCounters(day: nil, sensor: nil)
                .filter { $0.sensor == nil && $0.type == 1 && $0.sourceIP == nil }
                .reduce(Int64(0)) { $0 + $1.bytes })
            if result.confirmedBytes >= result.sentBytes { break }
            try await Task.sleep(for: .milliseconds(500))
        } while ContinuousClock.now < waitUntil
        // Frames are counted like bytes: only what the server recorded (payloads are all one size).
        let payloadFrames = result.frames
        if result.sentBytes > 0 {
            result.frames = Int((Double(payloadFrames) * Double(result.confirmedBytes) / Double(result.sentBytes)).rounded())
        }
        return result
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

    /// One TLS connection on loopback into a sink that discards, for `seconds`: the ceiling for any
    /// TLS ingest here. Counts what the sink received, until it has received everything.
    private func plainTLSThroughput(seconds: Double) async throws -> Double {
        let certificate = try SelfSignedCertificate()
        let received = Atomic<Int>(0)
        let sink = try await ByteSinkServer.start(identity: try ServerIdentity(selfSigned: certificate), group: MultiThreadedEventLoopGroup.singleton) { _, buffer in
            received.add(buffer.readableBytes, ordering: .relaxed)
        }
        defer { Task { try? await sink.close() } }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let chunk = ByteBuffer(repeating: 0x5A, count: BenchSensor.batchBytes(sensors: 1))
        let channel = try await BenchSensor.openChannel(port: sink.port, context: context)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        var written = 0
        var previous: EventLoopFuture<Void>?
        while ContinuousClock.now < deadline {
            let write = BenchSensor.write(chunk, to: channel)
            try await previous?.get()
            previous = write
            written += chunk.readableBytes
        }
        try await previous?.get()
        try? await channel.close().get()
        while received.load(ordering: .relaxed) < written { try await Task.sleep(for: .milliseconds(1)) }
        return Double(written) / (ContinuousClock.now - start).seconds / 1e6
    }
}

/// One bench sensor: a TLS connection (handshake done) and its pre-signed frames.
///
/// It writes with NIO futures, not an async writer: a write's future completes once the kernel has
/// taken the encrypted bytes, and at most two batches are outstanding, so what a sensor has in
/// flight is bounded (two batches plus the socket buffers) whatever the TLS handler buffers.
private struct BenchSensor: Sendable {
    struct Outcome: Sendable {
        var payloadBytes: Int
        var frames: Int
        /// When the server closed the connection after reading the last byte (or when we gave up).
        var closedAt: ContinuousClock.Instant
        var completed: Bool
    }

    let channel: Channel
    let headerFrame: ByteBuffer
    /// `framesPerBatch` data frames back to back.
    let batch: ByteBuffer
    let framesPerBatch: Int
    let endFrame: ByteBuffer
    let payloadSize: Int

    /// Bytes per write. One sensor with 128 KiB writes (two in flight) measured 360 MB/s where 1 MiB
    /// writes gave 450–510: the client, not the server, set the pace. Many sensors share 32 MiB,
    /// but no write is under 128 KiB (1,000 sensors: 128 KiB each).
    static func batchBytes(sensors: Int) -> Int {
        min(1 << 20, max(128 << 10, (32 << 20) / max(1, sensors)))
    }

    static func connect(port: Int, context: NIOSSLContext, key: [UInt8], payload: [UInt8], batchBytes: Int) async throws -> BenchSensor {
        let builder = try FrameBuilder(uuid: UUID(), type: .pcap, key: key, maximumPayload: max(payload.count, 24))
        let now = UInt64(Date().timeIntervalSince1970)
        let headerFrame = PcapFileHeader(linkType: 1).bytes.withUnsafeBytes { ByteBuffer(bytes: builder.frame(payload: $0, timestamp: now)) }
        let dataFrame = payload.withUnsafeBytes { Array(builder.frame(payload: $0, timestamp: now)) }
        let framesPerBatch = max(1, batchBytes / dataFrame.count)
        var batch = ByteBuffer()
        batch.reserveCapacity(framesPerBatch * dataFrame.count)
        for _ in 0 ..< framesPerBatch { batch.writeBytes(dataFrame) }
        let endFrame = ByteBuffer(bytes: builder.finish(payloadCount: 0, timestamp: now))
        let channel = try await openChannel(port: port, context: context)
        return BenchSensor(channel: channel, headerFrame: headerFrame, batch: batch, framesPerBatch: framesPerBatch,
                           endFrame: endFrame, payloadSize: payload.count)
    }

    /// Writes and flushes; the future completes once the kernel has taken the bytes.
    static func write(_ buffer: ByteBuffer, to channel: Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(buffer, promise: promise)
        return promise.futureResult
    }

    /// A TLS client channel whose handshake is complete (bytes written before it would wait in the
    /// TLS handler, and are lost if the handshake fails).
    static func openChannel(port: Int, context: NIOSSLContext) async throws -> Channel {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(HandshakeCompletion(promise: handshake))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await handshake.futureResult.get()
        return channel
    }

    /// Sends batches until `deadline`, then the end frame, closes its output (TLS close_notify)
    /// and waits for the server to close (it does once it has read everything).
    func send(until deadline: ContinuousClock.Instant, giveUpAt: ContinuousClock.Instant) async -> Outcome {
        var frames = 0
        var completed = false
        let watchdog = Task { [channel] in
            try await Task.sleep(until: giveUpAt, clock: .continuous)
            channel.close(promise: nil)
        }
        do {
            try await channel.writeAndFlush(headerFrame).get()
            var previous: EventLoopFuture<Void>?
            while ContinuousClock.now < deadline {
                let written = BenchSensor.write(batch, to: channel)
                try await previous?.get()
                previous = written
                frames += framesPerBatch
            }
            try await previous?.get()
            try await channel.writeAndFlush(endFrame).get()
            try? await channel.close(mode: .output).get()
            try await channel.closeFuture.get()
            completed = ContinuousClock.now < giveUpAt
        } catch {
            channel.close(promise: nil)
        }
        watchdog.cancel()
        return Outcome(payloadBytes: frames * payloadSize + PcapFileHeader.size, frames: frames,
                       closedAt: .now, completed: completed)
    }
}

/// A `d4 server` child process, with its CPU time and memory from /proc.
final class ServerProcess: @unchecked Sendable {
    // Used from the bench's task only.
    private let process = Process()
    /// The server's output goes to a file, not a pipe: an undrained pipe would block its logging.
    private let outputFile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("d4-bench-server-\(UUID().uuidString).log")

    init(executable: URL, arguments: [String]) throws {
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.executableURL = executable
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

    /// Peak resident memory since the start (VmHWM).
    func peakMegabytes() -> Double { statusMegabytes("VmHWM:") }
    /// Resident memory now (VmRSS).
    func residentMegabytes() -> Double { statusMegabytes("VmRSS:") }

    private func statusMegabytes(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }

    /// Ends the server at once: the case is measured, and a clean stop would first gzip every
    /// rotated file (minutes after a fast case); the data directory is deleted anyway.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: outputFile)
    }
}
