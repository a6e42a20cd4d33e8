import ArgumentParser
import D4Store
import Foundation

/// `d4 sensors`: list, inspect and administer the sensors known to a server's data directory.
struct SensorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensors",
        abstract: "List, inspect and administer the sensors of a D4 server (its data directory).",
        discussion: """
        Sensors are named by their UUID, with or without dashes, in any case. Keys are never \
        printed. \(ManagementHelp.liveEffect)

        A sensor gets a record when it first connects or registers, or when an administrator \
        pre-registers it: approve, block, set-key and set-limit create the record of a UUID the \
        store does not know yet (it must be a version-4 UUID, as the server requires).
        """,
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Block.self, Unblock.self,
                      Kick.self, SetKey.self, SetLimit.self])
}

// MARK: - Shared steps

extension SensorsCommand {
    /// The sensor's record, or nil when the store has none and the caller may create it (only
    /// version-4 UUIDs: the server would refuse any other, so a record for one is a mistake).
    static func recordOrCreatable(_ uuid: UUID, in store: SQLiteStore) async throws -> SensorRecord? {
        if let record = try await store.sensor(uuid) { return record }
        try Validation.checkUUIDVersion4(uuid)
        return nil
    }

    /// The sensor's record; a UUID the store does not know is an error.
    static func existingRecord(_ uuid: UUID, in store: SQLiteStore) async throws -> SensorRecord {
        guard let record = try await store.sensor(uuid) else { throw StoreError.sensorNotFound(uuid) }
        return record
    }

    /// What to tell the operator after a pre-registration: the new record's state and what it
    /// still needs before the sensor can connect.
    static func creationNotice(_ uuid: UUID, state: SensorState, hasKey: Bool, mode: ServerMode) -> String {
        let text = SensorUUIDArgument.text(uuid)
        var lines = ["sensor \(text) was not in the store: created it (pre-registered), state \(state.rawValue)"]
        if !hasKey {
            lines.append("it has no key of its own: the server default key applies (`d4 sensors set-key \(text)` sets one)")
        }
        if mode == .registration && state == .pending {
            lines.append("the server is in registration mode: the sensor may connect once approved (`d4 sensors approve \(text)`)")
        }
        return lines.joined(separator: "\n")
    }

    static let stateChangeReachesServer = "a running server applies this to open connections within about a second"
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

        func run(on store: SQLiteStore) async throws {
            let before = try await SensorsCommand.recordOrCreatable(uuid, in: store)
            let text = SensorUUIDArgument.text(uuid)
            if let before, before.state == .approved {
                print("sensor \(text) is already approved; nothing changed")
                return
            }
            if before?.blockSourceIPs == true { try await store.setBlockSourceIPs(uuid, false) }
            try await store.setSensorState(uuid, .approved)
            if let before {
                print("sensor \(text): \(before.state.rawValue) → approved; \(SensorsCommand.stateChangeReachesServer)")
            } else {
                let mode = try await store.settings().mode
                print(SensorsCommand.creationNotice(uuid, state: .approved, hasKey: false, mode: mode))
            }
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

        func run(on store: SQLiteStore) async throws {
            let record = try await SensorsCommand.existingRecord(uuid, in: store)
            let text = SensorUUIDArgument.text(uuid)
            guard record.state == .pending else {
                throw ManagementError("sensor \(text) is \(record.state.rawValue), not pending: only pending registrations can be rejected (use `d4 sensors block \(text)`)")
            }
            if remove {
                try await store.removeSensor(uuid)
                print("pending registration of sensor \(text) removed; the sensor may register again")
            } else {
                try await store.setSensorState(uuid, .blocked)
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

        func run(on store: SQLiteStore) async throws {
            let before = try await SensorsCommand.recordOrCreatable(uuid, in: store)
            let text = SensorUUIDArgument.text(uuid)
            // The flag follows this command exactly: `block` after `block --block-ips` stops blocking IPs.
            let flagChanges = (before?.blockSourceIPs ?? false) != blockIPs
            if let before, before.state == .blocked, !flagChanges {
                print("sensor \(text) is already blocked\(before.blockSourceIPs ? " (with its source IPs)" : ""); nothing changed")
                return
            }
            // The flag first: when the state turns blocked, the server must already see it.
            if flagChanges { try await store.setBlockSourceIPs(uuid, blockIPs) }
            if before?.state != .blocked { try await store.setSensorState(uuid, .blocked) }
            switch before?.state {
            case nil: print("sensor \(text) was not in the store: created it (pre-registered), state blocked")
            case .blocked?: print("sensor \(text) stays blocked")
            case let state?: print("sensor \(text): \(state.rawValue) → blocked; \(SensorsCommand.stateChangeReachesServer) (they are closed)")
            }
            print(blockIPs ? "every source IP it connects from is added to the IP blocklist (`d4 blocklist ip list`)"
                           : "its source IPs are not blocklisted (--block-ips would)")
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

        func run(on store: SQLiteStore) async throws {
            let before = try await SensorsCommand.existingRecord(uuid, in: store)
            let text = SensorUUIDArgument.text(uuid)
            guard before.state == .blocked || before.blockSourceIPs else {
                print("sensor \(text) is not blocked (state \(before.state.rawValue)); nothing changed")
                return
            }
            if before.blockSourceIPs { try await store.setBlockSourceIPs(uuid, false) }
            if before.state == .blocked { try await store.setSensorState(uuid, .approved) }
            print("sensor \(text): \(before.state.rawValue) → approved; \(SensorsCommand.stateChangeReachesServer)")

            let networks = try await store.blockedIPs().compactMap { IPNetwork($0.ip) }
            let stillBlocked = try await store.sourceIPs(of: uuid).map(\.ip).filter { ip in
                guard let address = IPAddress(ip) else { return false }
                return networks.contains { $0.contains(address) }
            }
            if !stillBlocked.isEmpty {
                print("still on the IP blocklist (`d4 blocklist ip remove IP` lifts it): \(stillBlocked.joined(separator: ", "))")
            }
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
        static let maximumSeconds = 7 * 86_400

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "How long connections are refused, in seconds (1…604800).") var seconds = 30

        func validate() throws {
            guard (1...Self.maximumSeconds).contains(seconds) else {
                throw ValidationError("--seconds \(seconds) is outside 1…\(Self.maximumSeconds) (a week); to keep a sensor out longer, block it")
            }
        }

        func run(on store: SQLiteStore) async throws {
            _ = try await SensorsCommand.existingRecord(uuid, in: store)
            let until = Date().addingTimeInterval(TimeInterval(seconds))
            try await store.kickSensor(uuid, until: until)
            print("sensor \(SensorUUIDArgument.text(uuid)) kicked until \(ManagementOutput.time(until)) (\(seconds) s): a running server closes its connections within about a second and refuses it until then")
        }
    }
}
