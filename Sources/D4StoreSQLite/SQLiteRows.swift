import D4Store
import Foundation
import GRDB

/// Conversions between rows and model values, in one place so every query reads the same way.
enum SQLiteRows {
    static func text(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }

    static func uuid(_ text: String, in table: String) throws -> UUID {
        guard let uuid = UUID(uuidString: text) else {
            throw StoreError.corruptData("\"\(Validation.printable(text))\" in table \(table) is not a UUID")
        }
        return uuid
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }

    static let sensorColumns = """
        uuid, key, state, description, contact_mail, block_source_ips, max_backlog, kicked_until,
        first_seen, last_seen, last_error, last_error_at
        """

    static func sensor(_ row: Row) throws -> SensorRecord {
        let stateText: String = row["state"]
        guard let state = SensorState(rawValue: stateText) else {
            throw StoreError.corruptData("sensor state \"\(Validation.printable(stateText))\" is unknown")
        }
        return SensorRecord(
            uuid: try uuid(row["uuid"], in: "sensors"),
            key: row["key"],
            state: state,
            description: row["description"],
            contactMail: row["contact_mail"],
            blockSourceIPs: row["block_source_ips"],
            maxBacklog: row["max_backlog"],
            kickedUntil: date(row["kicked_until"]),
            firstSeen: date(row["first_seen"]),
            lastSeen: date(row["last_seen"]),
            lastError: row["last_error"],
            lastErrorAt: date(row["last_error_at"]))
    }

    static func dailyCounter(_ row: Row) throws -> DailyCounter {
        let sensorText: String = row["sensor"]
        let type: Int = row["type"]
        let sourceIP: String = row["source_ip"]
        return DailyCounter(
            day: row["day"],
            sensor: sensorText.isEmpty ? nil : try uuid(sensorText, in: "daily_counters"),
            type: type < 0 ? nil : type,
            sourceIP: sourceIP.isEmpty ? nil : sourceIP,
            frames: row["frames"],
            bytes: row["bytes"])
    }
}
