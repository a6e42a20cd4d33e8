import ArgumentParser
import D4Administration
import D4Protocol
import D4Store
import Foundation

extension SensorsCommand {
    struct Show: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show everything the store has about one sensor (never its key).",
            discussion: """
            State, description, contact mail, whether it has its own key (and its length), limits, \
            kick, first and last seen, last error, its last 16 source IPs, the types it sent, and \
            its daily counters of the last days (UTC). Read-only. --json prints the same fields as \
            the REST API (`GET /api/v1/sensors/UUID`), with snake_case keys.
            """)
        static let commandPath = "sensors show"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Sensor UUID.", transform: SensorUUIDArgument.parse) var uuid: UUID
        @Option(help: "Daily counters of this many days, today included (1…366).") var days = 7
        @Flag(help: "Print JSON instead of text.") var json = false

        func validate() throws {
            guard (1...SensorAdministration.maximumDetailDays).contains(days) else {
                throw ValidationError("--days \(days) is outside 1…\(SensorAdministration.maximumDetailDays)")
            }
        }

        func run(on store: any D4Store) async throws {
            let detail = try await SensorAdministration(store: store).detail(of: uuid, days: days)
            if json {
                print(try ManagementOutput.json(SensorDetailJSON(detail)))
            } else {
                print(Self.text(detail))
            }
        }

        static func text(_ detail: SensorDetail) -> String {
            let record = detail.record, sourceIPs = detail.sourceIPs, types = detail.typesSeen
            let counters = detail.dailyCounters, days = detail.days
            let key = record.key.map { "set (\(ManagementOutput.grouped($0.count)) bytes)" } ?? "server default"
            let backlog = "\(ManagementOutput.grouped(detail.effectiveMaxBacklog)) frames"
                + (detail.usesDefaultMaxBacklog ? " (server default)" : "")
            let kicked = record.kickedUntil.map {
                ManagementOutput.time($0) + (detail.kicked ? " (in force)" : " (over)")
            } ?? "-"
            let lastError = record.lastError.map {
                "\(ManagementOutput.time(record.lastErrorAt)): \(ManagementOutput.printable($0))"
            } ?? "-"
            let fields: [(String, String)] = [
                ("uuid", SensorUUIDArgument.text(record.uuid)),
                ("state", record.state.rawValue),
                ("description", record.description.isEmpty ? "-" : ManagementOutput.printable(record.description)),
                ("contact mail", record.contactMail.isEmpty ? "-" : ManagementOutput.printable(record.contactMail)),
                ("key", key),
                ("block its IPs", record.blockSourceIPs ? "yes" : "no"),
                ("max backlog", backlog),
                ("kicked until", kicked),
                ("first seen", ManagementOutput.time(record.firstSeen, missing: "never")),
                ("last seen", ManagementOutput.time(record.lastSeen, missing: "never")),
                ("last error", lastError),
            ]
            var sections = [ManagementOutput.columns(fields.map { ["\($0.0):", $0.1] })]

            sections.append(sourceIPs.isEmpty ? "source IPs: none seen" : "source IPs (newest first):\n"
                + indented(ManagementOutput.table(header: ["IP", "LAST SEEN"],
                                                  rows: sourceIPs.map { [$0.ip, ManagementOutput.time($0.lastSeen)] })))

            sections.append(types.isEmpty ? "types seen: none" : "types seen:\n"
                + indented(ManagementOutput.table(header: ["TYPE", "META TYPE", "FIRST SEEN", "LAST SEEN"], rows: types.map {
                    [typeName($0.type), $0.metaType.map { ManagementOutput.printable($0) } ?? "-",
                     ManagementOutput.time($0.firstSeen), ManagementOutput.time($0.lastSeen)]
                })))

            let title = "daily counters, last \(days) day\(days == 1 ? "" : "s") (UTC)"
            sections.append(counters.isEmpty ? "\(title): none" : "\(title):\n"
                + indented(ManagementOutput.table(header: ["DAY", "COUNTS", "FRAMES", "BYTES"],
                                                  rows: orderedForDisplay(counters).map(counterRow))))
            return sections.joined(separator: "\n")
        }

        /// Newest day first; per day the sensor's total, then per type, then per source IP.
        static func orderedForDisplay(_ counters: [DailyCounter]) -> [DailyCounter] {
            func rank(_ counter: DailyCounter) -> Int { counter.type != nil ? 1 : counter.sourceIP != nil ? 2 : 0 }
            return counters.sorted { a, b in
                if a.day != b.day { return a.day > b.day }
                if rank(a) != rank(b) { return rank(a) < rank(b) }
                if a.type != b.type { return (a.type ?? -1) < (b.type ?? -1) }
                return (a.sourceIP ?? "") < (b.sourceIP ?? "")
            }
        }

        static func counterRow(_ counter: DailyCounter) -> [String] {
            let what = counter.type.map { "type \(typeName($0))" } ?? counter.sourceIP.map { "from \($0)" } ?? "all"
            return [counter.day, what, ManagementOutput.grouped(counter.frames), ManagementOutput.grouped(counter.bytes)]
        }

        static func typeName(_ type: Int) -> String {
            UInt8(exactly: type).map { FrameType($0).description } ?? String(type)
        }

        static func indented(_ text: String) -> String {
            text.components(separatedBy: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
    }
}
