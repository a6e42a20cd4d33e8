import ArgumentParser
import D4Administration
import D4Store
import Foundation

/// `d4 sensors`: list, inspect and administer the sensors known to a server's data directory.
/// Each subcommand parses, calls `SensorAdministration`, and prints what it returned.
struct SensorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensors",
        abstract: "List, inspect and administer the sensors of a D4 server (its data directory).",
        discussion: """
        Sensors are named by their UUID, with or without dashes, in any case. Keys are never \
        printed. \(ManagementHelp.liveEffect)

        A sensor gets a record when it first connects or registers, or when an administrator \
        pre-registers it: approve, block, set-key, set-limit and describe create the record of a UUID \
        the store does not know yet (it must be a version-4 UUID, as the server requires).
        """,
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Block.self, Unblock.self,
                      Kick.self, SetKey.self, SetLimit.self, Describe.self])

    static let stateChangeReachesServer = "a running server applies this to open connections within about a second"

    /// The notices of a change as the CLI prints them: each sentence, with the command that acts on it.
    static func lines(_ notices: [AdministrationNotice]) -> [String] {
        notices.map { notice in
            switch notice {
            case .defaultKeyApplies(let uuid):
                "\(notice) (`d4 sensors set-key \(SensorUUIDArgument.text(uuid))` sets one)"
            case .awaitsApproval(let uuid):
                "\(notice) (`d4 sensors approve \(SensorUUIDArgument.text(uuid))`)"
            case .noDefaultKey:
                "note: \(notice)"
            case .sourceIPsBlocklisted(true):
                "\(notice) (`d4 blocklist ip list`)"
            case .sourceIPsBlocklisted(false):
                "\(notice) (--block-ips would)"
            case .stillOnBlocklist(let addresses):
                "still on the IP blocklist (`d4 blocklist ip remove IP` lifts it): \(addresses.joined(separator: ", "))"
            default:
                notice.description
            }
        }
    }

    /// The state transition of a change: "sensor X: pending → approved; …", or the notices of a
    /// pre-registration.
    static func transition(_ change: SensorChange, closes: Bool = false) -> [String] {
        let text = SensorUUIDArgument.text(change.uuid)
        guard let before = change.before, let after = change.after else { return lines(change.notices) }
        let suffix = closes ? " (they are closed)" : ""
        return ["sensor \(text): \(before.state.rawValue) → \(after.state.rawValue); \(stateChangeReachesServer)\(suffix)"] + lines(change.notices)
    }
}

// MARK: - approve

extension SensorsCommand {
    struct Approve: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a sensor (in registration mode only approved sensors may connect).",
            discussion: """
            Approves a pending registration, or lifts a block (like `unblock`, which also clears \
            "block the IPs it comes from"). A UUID the store does \
            not know is pre-registered as approved. \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "sensors approve"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).approve(uuid)
            guard change.changed else {
                print("sensor \(SensorUUIDArgument.text(uuid)) is already approved; nothing changed")
                return
            }
            print(SensorsCommand.transition(change).joined(separator: "\n"))
        }
    }
}

// MARK: - reject

extension SensorsCommand {
    struct Reject: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a pending registration.",
            discussion: """
            By default the sensor is blocked: its record stays, so the same UUID cannot register \
            again with another key, and its connections are refused (`d4 sensors unblock` undoes \
            this). With --remove the pending record is deleted instead and the sensor may register \
            again. Only pending sensors can be rejected; use `block` for approved ones. \
            \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "sensors reject"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Flag(help: "Delete the pending record instead of blocking the sensor (it may register again).")
        var remove = false

        func run(on store: any D4Store) async throws {
            let text = SensorUUIDArgument.text(uuid)
            do {
                _ = try await SensorAdministration(store: store).reject(uuid, remove: remove)
            } catch AdministrationError.notPending(_, let state) {
                throw ManagementError("sensor \(text) is \(state.rawValue), not pending: only pending registrations can be rejected (use `d4 sensors block \(text)`)")
            }
            if remove {
                print("pending registration of sensor \(text) removed; the sensor may register again")
            } else {
                print("registration of sensor \(text) rejected: the sensor is blocked and cannot register again (`d4 sensors unblock \(text)` undoes this)")
            }
        }
    }
}

// MARK: - block / unblock

extension SensorsCommand {
    struct Block: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a sensor: all its connections are refused.",
            discussion: """
            Sets the sensor's state to blocked. With --block-ips, every address it connects from \
            from now on is also added to the IP blocklist (the reference's "block the IPs it comes \
            from"); without it, that is turned off. A UUID the store does not know is pre-registered as blocked. \
            \(ManagementHelp.liveEffect) Its open connections are closed.
            """)
        static let commandPath = "sensors block"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Flag(name: .customLong("block-ips"), help: "Also blocklist every source IP the sensor connects from.")
        var blockIPs = false

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).block(uuid, blockSourceIPs: blockIPs)
            let text = SensorUUIDArgument.text(uuid)
            if !change.changed, let before = change.before {
                print("sensor \(text) is already blocked\(before.blockSourceIPs ? " (with its source IPs)" : ""); nothing changed")
                return
            }
            if change.before?.state == .blocked {
                print((["sensor \(text) stays blocked"] + SensorsCommand.lines(change.notices)).joined(separator: "\n"))
            } else {
                print(SensorsCommand.transition(change, closes: true).joined(separator: "\n"))
            }
        }
    }

    struct Unblock: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unblock a sensor: it becomes approved and may connect again.",
            discussion: """
            Sets the state to approved and clears "block the IPs it comes from". Addresses already \
            put on the IP blocklist stay there: the command lists those of the sensor's recent \
            addresses that are still blocked (remove them with `d4 blocklist ip remove`). \
            \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "sensors unblock"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).unblock(uuid)
            guard change.changed, let before = change.before else {
                print("sensor \(SensorUUIDArgument.text(uuid)) is not blocked (state \(change.before?.state.rawValue ?? "unknown")); nothing changed")
                return
            }
            // "blocked → approved" also when only the IP flag was cleared on an approved sensor.
            print("sensor \(SensorUUIDArgument.text(uuid)): \(before.state.rawValue) → approved; \(SensorsCommand.stateChangeReachesServer)")
            for line in SensorsCommand.lines(change.notices) { print(line) }
        }
    }
}

// MARK: - kick

extension SensorsCommand {
    struct Kick: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disconnect a sensor and refuse it for a while (default 30 s).",
            discussion: """
            A running server closes the sensor's open connections within about a second and refuses \
            new ones until the time is up; then the sensor reconnects on its own (sensors retry). \
            Useful after changing its key or limits. To keep it out for good, use `block`.
            """)
        static let commandPath = "sensors kick"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "How long connections are refused, in seconds (1…604800).") var seconds = 30

        func validate() throws {
            guard (1...SensorAdministration.maximumKickSeconds).contains(seconds) else {
                throw ValidationError("--seconds \(seconds) is outside 1…\(SensorAdministration.maximumKickSeconds) (a week); to keep a sensor out longer, block it")
            }
        }

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).kick(uuid, seconds: seconds)
            let until = change.after?.kickedUntil
            print("sensor \(SensorUUIDArgument.text(uuid)) kicked until \(ManagementOutput.time(until)) (\(seconds) s): a running server closes its connections within about a second and refuses it until then")
        }
    }
}

// MARK: - describe

extension SensorsCommand {
    struct Describe: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a sensor's description and contact mail.",
            discussion: """
            What the operator knows of the sensor, shown by `list` and `show` (at most 1,000 and 320 \
            characters). An option left out keeps its value; an empty value clears it. A UUID the \
            store does not know is pre-registered (pending). \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "sensors describe"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "What and where the sensor is, e.g. \"university darknet /24, Luxembourg\".") var description: String?
        @Option(help: "Whom to contact about the sensor.") var mail: String?

        func validate() throws {
            if description == nil && mail == nil { throw ValidationError("give --description and/or --mail") }
        }

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).describe(uuid, description: description, contactMail: mail)
            let text = SensorUUIDArgument.text(uuid)
            if !change.changed {
                print("sensor \(text): description and contact mail unchanged")
                return
            }
            for line in SensorsCommand.lines(change.notices) { print(line) }
            if let after = change.after {
                print("sensor \(text): description \"\(ManagementOutput.printable(after.description, limit: 60))\", contact mail \"\(ManagementOutput.printable(after.contactMail, limit: 60))\"")
            }
        }
    }
}
