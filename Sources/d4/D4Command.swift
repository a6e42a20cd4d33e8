import ArgumentParser

/// `d4`: the D4 sensor network in one binary.
@main
struct D4Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "d4",
        abstract: "D4 sensor network: stream network data from sensors to a server that stores and analyses it.",
        discussion: """
        A sensor cuts its input (pcap, logs, passive DNS, …) into signed D4 frames and streams them \
        over TLS; the server checks, stores and analyses them. Wire-compatible with CIRCL's D4 clients \
        and servers. Start with `d4 server --demo`, then `d4 <subcommand> --help`.
        """,
        subcommands: [ServerCommand.self, SensorCommand.self, AnalyzeCommand.self, SensorsCommand.self, BlocklistCommand.self,
                      TypesCommand.self, UsersCommand.self, QueueCommand.self, BenchCommand.self])
}
