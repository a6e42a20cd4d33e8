import Foundation
import PacketCapture

/// `d4 bench analyze`: generates a telescope capture of N packets, then times reading, dissecting,
/// classifying and tracking it on one core, samples peak memory as the pass goes (flat memory =
/// bounded state), and times tshark over the same file for reference.
public struct AnalysisBenchmark {
    public struct Options: Sendable {
        public var packets: Int
        /// Where to write the capture; a temporary file (removed afterwards) when nil.
        public var capturePath: String?
        public var keepCapture: Bool
        public var runTshark: Bool
        public var seed: UInt64
        /// Use the capture already at `capturePath` instead of generating one.
        public var reuseCapture: Bool

        public init(packets: Int = 10_000_000, capturePath: String? = nil, keepCapture: Bool = false,
                    runTshark: Bool = true, seed: UInt64 = 7, reuseCapture: Bool = false) {
            self.packets = packets; self.capturePath = capturePath; self.keepCapture = keepCapture
            self.runTshark = runTshark; self.seed = seed; self.reuseCapture = reuseCapture
        }
    }

    public struct Stage: Codable, Sendable {
        public var name: String
        public var packets: Int
        public var wallSeconds: Double
        public var cpuSeconds: Double
        /// Packets per CPU second (the pass is single-threaded: = packets per second per core).
        public var packetsPerSecondPerCore: Double { cpuSeconds > 0 ? Double(packets) / cpuSeconds : 0 }
        public var packetsPerSecond: Double { wallSeconds > 0 ? Double(packets) / wallSeconds : 0 }
    }

    public struct Result: Sendable {
        public var capturePath: String
        public var captureBytes: Int64
        public var generatedPackets: Int
        public var generationSeconds: Double
        public var stages: [Stage]
        /// (packets processed so far, peak resident set in KiB) sampled during the full analysis pass.
        public var memorySamples: [(packets: Int, maxResidentKiB: Int)]
        public var attacksFound: Int
        public var attacksPlanned: Int
        public var tshark: Stage?
        public var tsharkProblem: String?
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run(log: (String) -> Void) throws -> Result {
        let path = options.capturePath
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("d4-bench-analyze-\(getpid()).pcap")
        let scenario = TelescopeScenario.benchmark(packets: options.packets, seed: options.seed)
        let generationStart = Self.now()
        let packetCount: Int
        if options.reuseCapture, FileManager.default.fileExists(atPath: path) {
            log("reusing \(path)")
            var reader = try CaptureFileReader(path: path)
            packetCount = try reader.forEachRecord { _ in }.recordCount
        } else {
            log("generating \(options.packets) packets into \(path) …")
            var generator = TelescopeTrafficGenerator(scenario: scenario)
            packetCount = try generator.writeCapture(to: path).packets
        }
        let generationSeconds = Self.now() - generationStart
        defer { if options.capturePath == nil && !options.keepCapture { try? FileManager.default.removeItem(atPath: path) } }
        let size = CaptureInputs.size(of: path)
        log("capture of \(packetCount) packets, \(size / 1_048_576) MiB ready in \(String(format: "%.1f", generationSeconds)) s")

        var stages: [Stage] = []
        // Warm the page cache so that every stage reads from memory alike.
        stages.append(try measure("read only") {
            var reader = try CaptureFileReader(path: path)
            var n = 0
            _ = try reader.forEachRecord { _ in n &+= 1 }
            return n
        })
        stages.append(try measure("read only") {
            var reader = try CaptureFileReader(path: path)
            var n = 0
            _ = try reader.forEachRecord { _ in n &+= 1 }
            return n
        })
        stages.append(try measure("read + dissect") {
            var reader = try CaptureFileReader(path: path)
            var n = 0
            _ = try reader.forEachRecord { record in
                if case .packet = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes) { n &+= 1 }
            }
            return packetCount
        })
        stages.append(try measure("read + dissect + classify") {
            var reader = try CaptureFileReader(path: path)
            var classifier = BackscatterClassifier()
            var backscatter = 0
            _ = try reader.forEachRecord { record in
                guard case .packet(let packet) = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes)
                else { return }
                let time = Double(record.timestampSeconds) + Double(record.timestampNanoseconds) * 1e-9
                if classifier.classify(packet, at: time).trafficClass == .backscatter { backscatter &+= 1 }
            }
            return packetCount
        })
        stages.append(try measure("read + dissect + classify + attacks") {
            var reader = try CaptureFileReader(path: path)
            var analyzer = TelescopeAnalyzer(configuration: .init(countsBotnets: false))
            _ = try reader.forEachRecord { record in analyzer.observe(record: record) { _ in } }
            _ = analyzer.finish { _ in }
            return packetCount
        })
        var samples: [(packets: Int, maxResidentKiB: Int)] = []
        var attacks = 0
        stages.append(try measure("… + attacks + botnet counters") {
            var reader = try CaptureFileReader(path: path)
            var analyzer = TelescopeAnalyzer()
            var n = 0
            let step = max(packetCount / 10, 1)
            // A running threshold, not `n % step`: a division per packet is a measurable part of it.
            var nextSample = step
            _ = try reader.forEachRecord { record in
                analyzer.observe(record: record) { event in if event.kind == .closed { attacks += 1 } }
                n &+= 1
                if n == nextSample {
                    samples.append((n, Self.maxResidentKiB()))
                    nextSample &+= step
                }
            }
            _ = analyzer.finish { event in if event.kind == .closed { attacks += 1 } }
            return n
        })
        stages.removeFirst()   // the cache-warming pass

        var tshark: Stage?
        var tsharkProblem: String?
        if options.runTshark {
            if let binary = Self.findExecutable("tshark") {
                log("running tshark on the same file …")
                do {
                    tshark = try measureProcess(binary, ["-r", path, "-T", "fields", "-e", "tcp.flags"],
                                                packets: packetCount)
                } catch {
                    tsharkProblem = "tshark failed: \(error)"
                }
            } else {
                tsharkProblem = "tshark is not installed (apt-get install tshark): no reference figure"
            }
        }
        return Result(capturePath: path, captureBytes: size, generatedPackets: packetCount,
                      generationSeconds: generationSeconds, stages: stages, memorySamples: samples,
                      attacksFound: attacks, attacksPlanned: scenario.attacks.count, tshark: tshark,
                      tsharkProblem: tsharkProblem)
    }

    /// The report printed by the command.
    public static func render(_ result: Result) -> String {
        var out = "capture: \(result.generatedPackets) packets, \(result.captureBytes / 1_048_576) MiB "
            + "(generated in \(String(format: "%.1f", result.generationSeconds)) s)\n"
        for stage in result.stages {
            out += stage.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: " %8.2f M packets/s per core (%.2f s CPU, %.2f s wall)\n",
                         stage.packetsPerSecondPerCore / 1e6, stage.cpuSeconds, stage.wallSeconds)
        }
        out += "attacks found: \(result.attacksFound) of \(result.attacksPlanned) planned\n"
        out += "peak memory (ru_maxrss) during the full pass: "
            + result.memorySamples.map { "\($0.packets / 1_000_000)M→\($0.maxResidentKiB / 1024) MiB" }
                .joined(separator: ", ") + "\n"
        if let tshark = result.tshark, let full = result.stages.last {
            // Per CPU second on both sides: the machine may be shared, wall time is noisier.
            out += String(format: "tshark -T fields -e tcp.flags        %8.2f M packets/s per core (%.2f s CPU, %.2f s wall)\n",
                          tshark.packetsPerSecondPerCore / 1e6, tshark.cpuSeconds, tshark.wallSeconds)
            out += String(format: "ratio (d4 full analysis / tshark, per core): %.1f×\n",
                          full.packetsPerSecondPerCore / max(tshark.packetsPerSecondPerCore, 1))
        } else if let problem = result.tsharkProblem {
            out += problem + "\n"
        }
        return out
    }

    // MARK: measurement helpers

    private func measure(_ name: String, _ body: () throws -> Int) throws -> Stage {
        let wall0 = Self.now(), cpu0 = Self.cpuSeconds()
        let packets = try body()
        return Stage(name: name, packets: packets, wallSeconds: Self.now() - wall0, cpuSeconds: Self.cpuSeconds() - cpu0)
    }

    private func measureProcess(_ binary: String, _ arguments: [String], packets: Int) throws -> Stage {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let wall0 = Self.now(), child0 = Self.childCPUSeconds()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.childFailed(binary, process.terminationStatus)
        }
        return Stage(name: "tshark", packets: packets, wallSeconds: Self.now() - wall0,
                     cpuSeconds: Self.childCPUSeconds() - child0)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    #if os(Linux)
    private static let selfUsage = Int32(RUSAGE_SELF.rawValue)
    private static let childrenUsage = Int32(RUSAGE_CHILDREN.rawValue)
    #else
    private static let selfUsage = RUSAGE_SELF
    private static let childrenUsage = RUSAGE_CHILDREN
    #endif

    static func cpuSeconds() -> Double { rusageSeconds(selfUsage) }
    static func childCPUSeconds() -> Double { rusageSeconds(childrenUsage) }

    private static func rusageSeconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size of this process in KiB (Linux reports ru_maxrss in KiB).
    public static func maxResidentKiB() -> Int {
        var usage = rusage()
        getrusage(selfUsage, &usage)
        return Int(usage.ru_maxrss)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

public enum BenchmarkError: Error, CustomStringConvertible {
    case childFailed(String, Int32)

    public var description: String {
        switch self {
        case .childFailed(let binary, let status): "\(binary) exited with status \(status)"
        }
    }
}
