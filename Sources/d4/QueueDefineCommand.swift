import ArgumentParser
import D4Administration
import D4AnalysisService
import D4Protocol
import D4Store
import Foundation

extension QueueCommand {
    /// `d4 queue define`: create or change a queue in the store; a running server picks it up.
    struct Define: ManagementCommand {
        static let commandPath = "queue define"
        static let configuration = CommandConfiguration(
            commandName: "define",
            abstract: "Create or change an analyzer queue.",
            discussion: """
            A queue holds frames of one type (and for type 254 one meta type), from all sensors or the
            listed ones, at most --capacity frames. When it is full: block (the server stops reading the
            sensor until a consumer makes room; only while someone consumes), drop-oldest or drop-newest
            (counted). \(ManagementHelp.liveEffect)

            Example: d4 queue define pcap-feed --type pcap --capacity 10000 --drop-policy drop-oldest
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Queue name: 1–64 of A-Z a-z 0-9 . _ -") var name: String
        @Option(help: "Frame type, number or name (pcap, log, passivedns, extended…).") var type: String
        @Option(help: "For type 254: only frames of this meta type (e.g. ja3-jl).") var metaType: String?
        @Option(help: "Only frames of this sensor (repeatable; default: every sensor).") var sensor: [String] = []
        @Option(help: "Most frames held.") var capacity: Int = 10_000
        @Option(help: "block, drop-oldest or drop-newest.") var dropPolicy: String = "block"

        func run(on store: any D4Store) async throws {
            let definition = try await QueueCommand.administration(store).define(
                name: name, type: type, metaType: metaType, sensors: sensor, capacity: capacity, dropPolicy: dropPolicy)
            let frameType = FrameType(UInt8(definition.type))
            print("queue \(name): type \(frameType), \(sensor.isEmpty ? "all sensors" : "\(sensor.count) sensors"), capacity \(capacity), \(dropPolicy)")
        }
    }

    /// `d4 queue remove`: delete a queue (its consumers' streams end).
    struct Remove: ManagementCommand {
        static let commandPath = "queue remove"
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Delete an analyzer queue.",
            discussion: "Its items are discarded and its consumers' streams end. \(ManagementHelp.liveEffect)")

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Queue name.") var name: String

        func run(on store: any D4Store) async throws {
            try await QueueCommand.administration(store).remove(name: name)
            print("queue \(name) removed")
        }
    }

    /// The queue use cases, with the queues of the built-in analyzers reserved.
    static func administration(_ store: any D4Store) -> QueueAdministration {
        QueueAdministration(store: store, reservedNames: [LiveAnalyzer.builtinQueueName])
    }
}
