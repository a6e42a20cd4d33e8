import ArgumentParser
import D4Administration
import D4Protocol
import D4Store
import Foundation

/// `d4 types accept|refuse|list`: which frame types the server accepts (its settings' acceptedTypes).
struct TypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "Choose which D4 frame types a server accepts (its data directory).",
        discussion: """
        Types are given by number (0…255) or name: \(FrameType.knownNames). \
        A connection sending a type that is not accepted is closed with that reason. \
        \(ManagementHelp.liveEffect) Open connections of a type no longer accepted are closed.
        """,
        subcommands: [Accept.self, Refuse.self, List.self])

    static func parseType(_ text: String) throws -> FrameType {
        guard let type = FrameType(parsing: text) else {
            throw ValidationError("unknown type \"\(ManagementOutput.printable(text, limit: 40))\": give a number 0…255 or one of \(FrameType.knownNames)")
        }
        return type
    }

    /// "1 (pcap), 8 (passivedns)".
    static func names(_ types: some Sequence<FrameType>) -> String {
        types.sorted().map(\.description).joined(separator: ", ")
    }

    /// The notices of a change, one line each.
    static func lines(_ notices: [AdministrationNotice]) -> [String] {
        notices.map { "note: \($0)" }
    }

    static func frameTypes(_ numbers: Set<UInt8>) -> [FrameType] { numbers.map(FrameType.init(_:)) }
}

extension TypesCommand {
    struct Accept: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept frame types.",
            discussion: "\(ManagementHelp.liveEffect)")
        static let commandPath = "types accept"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Types: numbers or names.", transform: TypesCommand.parseType) var types: [FrameType]

        func validate() throws {
            if types.isEmpty { throw ValidationError("give at least one type") }
        }

        func run(on store: any D4Store) async throws {
            let change = try await TypeAdministration(store: store).accept(Set(types.map(\.rawValue)))
            if !change.changed.isEmpty { print("now accepted: \(TypesCommand.names(TypesCommand.frameTypes(change.changed)))") }
            if !change.unchanged.isEmpty { print("already accepted: \(TypesCommand.names(TypesCommand.frameTypes(change.unchanged)))") }
            for line in TypesCommand.lines(change.notices) { print(line) }
        }
    }

    struct Refuse: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse frame types.",
            discussion: "\(ManagementHelp.liveEffect) Open connections of a refused type are closed.")
        static let commandPath = "types refuse"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Types: numbers or names.", transform: TypesCommand.parseType) var types: [FrameType]

        func validate() throws {
            if types.isEmpty { throw ValidationError("give at least one type") }
        }

        func run(on store: any D4Store) async throws {
            let change = try await TypeAdministration(store: store).refuse(Set(types.map(\.rawValue)))
            if !change.changed.isEmpty { print("now refused: \(TypesCommand.names(TypesCommand.frameTypes(change.changed)))") }
            if !change.unchanged.isEmpty { print("already refused: \(TypesCommand.names(TypesCommand.frameTypes(change.unchanged)))") }
            for line in TypesCommand.lines(change.notices) { print(line) }
        }
    }

    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every known type with whether it is accepted, and other accepted numbers.",
            discussion: "Read-only.")
        static let commandPath = "types list"

        @OptionGroup var data: DataDirectoryOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run(on store: any D4Store) async throws {
            let (entries, notices) = try await TypeAdministration(store: store).list()
            if json {
                print(try ManagementOutput.json(entries))
                return
            }
            print(ManagementOutput.table(header: ["TYPE", "NAME", "ACCEPTED"], rows: entries.map {
                [String($0.type), $0.name ?? "-", $0.accepted ? "yes" : "no"]
            }))
            for line in TypesCommand.lines(notices) { print(line) }
        }
    }
}
