import ArgumentParser
import D4Analysis
import Foundation

/// `d4 bench analyze`: throughput and memory of the analysis pipeline on a generated telescope capture,
/// with tshark on the same file for reference. Build in release for meaningful figures.
struct BenchAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Benchmark read+dissect+classify+track on a generated capture (and tshark on the same file).")

    @Option(help: "Packets in the generated capture.")
    var packets: Int = 10_000_000

    @Option(help: "Write the capture here and keep it (default: a temporary file, removed afterwards).")
    var capture: String?

    @Flag(help: "Do not run tshark for reference.")
    var noTshark = false

    @Option(help: "Seed of the traffic generator.")
    var seed: UInt64 = 7

    @Flag(help: "With --capture: measure the existing file instead of generating a new one.")
    var reuse = false

    func validate() throws {
        guard packets >= 1000 else { throw ValidationError("--packets must be at least 1000") }
        if reuse, capture == nil { throw ValidationError("--reuse needs --capture PATH") }
    }

    func run() throws {
        let benchmark = AnalysisBenchmark(options: .init(packets: packets, capturePath: capture,
                                                         keepCapture: capture != nil, runTshark: !noTshark, seed: seed,
                                                         reuseCapture: reuse))
        let result = try benchmark.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        print(AnalysisBenchmark.render(result), terminator: "")
    }
}
