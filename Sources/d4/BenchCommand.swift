import ArgumentParser

/// `d4 bench …`: release-build benchmarks that measure the real code paths and print each figure
/// beside a limit measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput of the real code paths (build with -c release).",
        subcommands: [BenchSensorCommand.self, BenchIngestCommand.self, BenchAnalyzeCommand.self])
}
