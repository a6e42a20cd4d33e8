import ArgumentParser
import D4Administration
import D4Store
import Foundation

extension SensorsCommand {
    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sensors: UUID, state, last seen, last error, description.",
            discussion: """
            Read-only. --json prints every field (the key only as present/absent and its length) \
            for scripts, with the same snake_case keys as the REST API (`GET /api/v1/sensors`). `d4 sensors show UUID` gives the full picture of one sensor.
            """)
        static let commandPath = "sensors list"

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "Only sensors in this state: pending, approved or blocked.", transform: parseState)
        var state: SensorState?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run(on store: any D4Store) async throws {
            let sensors = try await SensorAdministration(store: store).list(state: state)
            if json {
                print(try ManagementOutput.json(sensors.map(SensorJSON.init)))
                return
            }
            guard !sensors.isEmpty else {
                print(state.map { "no \($0.rawValue) sensors" } ?? "no sensors yet")
                return
            }
            let rows = sensors.map { sensor in
                [SensorUUIDArgument.text(sensor.uuid), sensor.state.rawValue,
                 ManagementOutput.time(sensor.lastSeen, missing: "never"),
                 sensor.lastError.map { ManagementOutput.printable($0, limit: 48) } ?? "-",
                 sensor.description.isEmpty ? "-" : ManagementOutput.printable(sensor.description, limit: 60)]
            }
            print(ManagementOutput.table(header: ["UUID", "STATE", "LAST SEEN", "LAST ERROR", "DESCRIPTION"], rows: rows))
        }

        static func parseState(_ text: String) throws -> SensorState {
            guard let state = SensorState(rawValue: text.lowercased()) else {
                throw ValidationError("unknown state \"\(ManagementOutput.printable(text, limit: 40))\": use pending, approved or blocked")
            }
            return state
        }
    }
}
