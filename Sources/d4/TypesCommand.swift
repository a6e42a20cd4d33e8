import ArgumentParser
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

    /// Type 254 frames must follow a type 2 meta header on the same connection: accepting one
    /// without the other is almost always a mistake, so it is pointed out.
    static func pairingNote(_ accepted: Set<UInt8>) -> String? {
        let extended = FrameType.extended.rawValue, meta = FrameType.metaHeader.rawValue
        if accepted.contains(extended) && !accepted.contains(meta) {
            return "note: type 254 is accepted but type 2 is not: 254 streams must start with a type-2 meta header, so they are all refused"
        }
        if accepted.contains(meta) && !accepted.contains(extended) {
            return "note: type 2 is accepted but type 254 is not: meta headers are useless without the 254 frames they describe"
        }
        return nil
    }
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

        func run(on store: SQLiteStore) async throws {
            let wanted = Set(types.map(\.rawValue))
            let before = try await store.settings().acceptedTypes
            let after = try await store.updateSettings { $0.acceptedTypes.formUnion(wanted) }.acceptedTypes
            let added = wanted.subtracting(before)
            if !added.isEmpty { print("now accepted: \(TypesCommand.names(added.map(FrameType.init(_:))))") }
            let already = wanted.intersection(before)
            if !already.isEmpty { print("already accepted: \(TypesCommand.names(already.map(FrameType.init(_:))))") }
            if let note = TypesCommand.pairingNote(after) { print(note) }
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

        func run(on store: SQLiteStore) async throws {
            let unwanted = Set(types.map(\.rawValue))
            let before = try await store.settings().acceptedTypes
            let after = try await store.updateSettings { $0.acceptedTypes.subtract(unwanted) }.acceptedTypes
            let removed = unwanted.intersection(before)
            if !removed.isEmpty { print("now refused: \(TypesCommand.names(removed.map(FrameType.init(_:))))") }
            let already = unwanted.subtracting(before)
            if !already.isEmpty { print("already refused: \(TypesCommand.names(already.map(FrameType.init(_:))))") }
            if after.isEmpty { print("note: no type is accepted any more: every connection is refused") }
            if let note = TypesCommand.pairingNote(after) { print(note) }
        }
    }

    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every known type with whether it is accepted, and other accepted numbers.",
            discussion: "Read-only.")
        static let commandPath = "types list"

        @OptionGroup var data: DataDirectoryOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        struct Entry: Encodable {
            var type: Int
            var name: String?
            var accepted: Bool
        }

        func run(on store: SQLiteStore) async throws {
            let accepted = try await store.settings().acceptedTypes
            let known = (UInt8.min...UInt8.max).map(FrameType.init(_:)).filter { $0.name != nil }
            let others = accepted.map(FrameType.init(_:)).filter { $0.name == nil }.sorted()
            let entries = (known + others).map { Entry(type: Int($0.rawValue), name: $0.name, accepted: accepted.contains($0.rawValue)) }
            if json {
                print(try ManagementOutput.json(entries))
                return
            }
            print(ManagementOutput.table(header: ["TYPE", "NAME", "ACCEPTED"], rows: entries.map {
                [String($0.type), $0.name ?? "-", $0.accepted ? "yes" : "no"]
            }))
            if let note = TypesCommand.pairingNote(accepted) { print(note) }
        }
    }
}
