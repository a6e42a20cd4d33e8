import ArgumentParser
import D4Administration
import D4Store
import Foundation

// MARK: - set-key

extension SensorsCommand {
    struct SetKey: ManagementCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-key",
            abstract: "Set a sensor's own HMAC key (read from a file or stdin, never from the command line).",
            discussion: """
            The key is read from --key-file FILE, else from standard input: typed twice with echo \
            off on a terminal, or piped (`d4 sensors set-key UUID < key`). As the reference client \
            does with its key file, everything from the last newline on is dropped; all other bytes \
            are kept exactly (1…1,024 bytes). --default removes the sensor's own key so that the \
            server's default key applies (shared-secret mode). The key is never printed. \
            A UUID the store does not know is pre-registered (pending). \
            A running server checks connections opened from about a second later against the new \
            key; `d4 sensors kick UUID` makes the sensor reconnect at once.
            """)
        static let commandPath = "sensors set-key"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "File holding the key (its last newline and anything after it are dropped).")
        var keyFile: String?
        @Flag(name: .customLong("default"), help: "Remove the sensor's own key: the server default key applies.")
        var useDefault = false

        func validate() throws {
            if useDefault && keyFile != nil { throw ValidationError("give either --key-file or --default, not both") }
        }

        func run(on store: any D4Store) async throws {
            let key = useDefault ? nil : try readKey()
            let change = try await SensorAdministration(store: store).setKey(uuid, key)
            let text = SensorUUIDArgument.text(uuid)
            if let key {
                print("sensor \(text): key set (\(ManagementOutput.grouped(key.count)) bytes)")
            } else {
                print("sensor \(text): own key removed; the server default key applies")
            }
            for line in SensorsCommand.lines(change.notices) { print(line) }
        }

        private func readKey() throws -> Data {
            let content: Data
            let source: String
            if let keyFile {
                content = try SecretInput.readFile(keyFile, what: "key file")
                source = "key file \(keyFile)"
            } else if SecretInput.standardInputIsTerminal {
                let typed = try SecretInput.promptTwice("Key for sensor \(SensorUUIDArgument.text(uuid)): ", repeatPrompt: "Repeat the key: ")
                return Data(typed.utf8)
            } else {
                content = try SecretInput.readStandardInput(what: "key")
                source = "standard input"
            }
            let (key, ignored) = SecretInput.referenceKey(from: content)
            if ignored > 0 {
                ManagementOutput.error("note: \(ignored) bytes after the last newline of \(source) are not part of the key (the reference client drops them too)")
            }
            return key
        }
    }
}

// MARK: - set-limit

extension SensorsCommand {
    struct SetLimit: ManagementCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-limit",
            abstract: "Set a sensor's maximum unconsumed backlog (frames).",
            discussion: """
            A connection is closed when the sensor's frames not yet consumed exceed this number. \
            --default returns to the server's default limit. A UUID the store does not know is \
            pre-registered (pending). \(ManagementHelp.liveEffect)
            """)
        static let commandPath = "sensors set-limit"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "Largest backlog in frames (at least 1).") var maxBacklog: Int?
        @Flag(name: .customLong("default"), help: "Use the server's default limit.") var useDefault = false

        func validate() throws {
            switch (maxBacklog, useDefault) {
            case (nil, false): throw ValidationError("give --max-backlog N or --default")
            case (.some, true): throw ValidationError("give either --max-backlog or --default, not both")
            case (.some(let limit), false) where limit < 1:
                throw ValidationError("--max-backlog \(limit) must be at least 1 frame")
            default: break
            }
        }

        func run(on store: any D4Store) async throws {
            let change = try await SensorAdministration(store: store).setMaxBacklog(uuid, useDefault ? nil : maxBacklog)
            let serverDefault = try await store.settings().defaultMaxBacklog
            let limit = maxBacklog.map { "\(ManagementOutput.grouped($0)) frames" }
            print("sensor \(SensorUUIDArgument.text(uuid)): max backlog \(limit ?? "server default") (server default: \(ManagementOutput.grouped(serverDefault)) frames)")
            for line in SensorsCommand.lines(change.notices) { print(line) }
        }
    }
}
