import ArgumentParser
import D4Basics
import D4Administration
import D4Basics
import D4Store
import Foundation

/// `d4 blocklist ip add|remove|list`: the addresses and networks whose connections are refused.
struct BlocklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocklist",
        abstract: "Manage the blocklist of a D4 server (its data directory).",
        discussion: """
        Connections from a blocklisted address are closed and refused. To block a sensor by its \
        UUID, use `d4 sensors block`. \(ManagementHelp.liveEffect)
        """,
        subcommands: [IP.self])

    struct IP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ip",
            abstract: "Block or unblock IPv4/IPv6 addresses and CIDR networks (192.0.2.0/24, 2001:db8::/32).",
            subcommands: [Add.self, Remove.self, List.self])
    }

    /// An address or CIDR block in canonical form ("192.0.2.9/24" becomes "192.0.2.0/24").
    static func parseEntry(_ text: String) throws -> IPNetwork {
        do { return try BlocklistAdministration.parseEntry(text) } catch { throw ValidationError("\(error)") }
    }
}

extension BlocklistCommand.IP {
    struct Add: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add addresses or CIDR networks to the blocklist.",
            discussion: """
            An entry already on the list keeps its reason and time. Host bits below a network's \
            prefix are cleared (192.0.2.9/24 is stored as 192.0.2.0/24); IPv4-mapped IPv6 addresses \
            are stored as IPv4. \(ManagementHelp.liveEffect) Open connections from a blocked \
            address are closed.
            """)
        static let commandPath = "blocklist ip add"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Addresses or CIDR networks.", transform: BlocklistCommand.parseEntry) var entries: [IPNetwork]
        @Option(help: "Why (shown by `list` and in the server's records).") var reason = ""

        func validate() throws {
            if entries.isEmpty { throw ValidationError("give at least one address or network") }
        }

        func run(on store: any D4Store) async throws {
            for addition in try await BlocklistAdministration(store: store).add(entries, reason: reason) {
                switch addition {
                case .added(let entry):
                    print("blocked \(entry.ip)\(reasonSuffix(entry.reason))")
                case .alreadyBlocked(let old):
                    print("\(old.ip) is already blocked since \(ManagementOutput.time(old.blockedAt))\(reasonSuffix(old.reason)); unchanged")
                }
            }
        }
    }

    struct Remove: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove addresses or CIDR networks from the blocklist.",
            discussion: """
            Give an entry as `list` shows it (a network by its network address and prefix). \
            \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "blocklist ip remove"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Addresses or CIDR networks.", transform: BlocklistCommand.parseEntry) var entries: [IPNetwork]

        func validate() throws {
            if entries.isEmpty { throw ValidationError("give at least one address or network") }
        }

        func run(on store: any D4Store) async throws {
            let blocklist = BlocklistAdministration(store: store)
            for entry in entries {
                try await blocklist.remove(entry)
                print("unblocked \(entry)")
            }
        }
    }

    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the blocklist: addresses and networks, when and why they were blocked.",
            discussion: "Read-only; oldest entries first.")
        static let commandPath = "blocklist ip list"

        @OptionGroup var data: DataDirectoryOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run(on store: any D4Store) async throws {
            let entries = try await BlocklistAdministration(store: store).list()
            if json {
                print(try ManagementOutput.json(entries))
                return
            }
            guard !entries.isEmpty else {
                print("the IP blocklist is empty")
                return
            }
            print(ManagementOutput.table(header: ["IP", "BLOCKED AT", "REASON"], rows: entries.map {
                [$0.ip, ManagementOutput.time($0.blockedAt), $0.reason.isEmpty ? "-" : ManagementOutput.printable($0.reason)]
            }))
        }
    }
}

private func reasonSuffix(_ reason: String) -> String {
    reason.isEmpty ? "" : " (reason: \(ManagementOutput.printable(reason)))"
}
