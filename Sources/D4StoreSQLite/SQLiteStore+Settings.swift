import D4Basics
import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    public func settings() async throws -> ServerSettings {
        try await read { db in try Self.loadSettings(db).settings }
    }

    /// Optimistic read-modify-write: the change is computed outside the write lock and committed only
    /// if nobody (no task, no other process) changed the settings meanwhile; else it is redone.
    public func updateSettings(_ change: (inout ServerSettings) -> Void) async throws -> ServerSettings {
        for _ in 0..<20 {
            let (current, revision) = try await read { db in try Self.loadSettings(db) }
            var updated = current
            change(&updated)
            try updated.validate()
            if updated == current { return current }
            let json = try SettingsCoding.encode(updated)
            let committed = try await write { db in
                try db.execute(
                    sql: "UPDATE settings SET json = ?, revision = revision + 1 WHERE id = 1 AND revision = ?",
                    arguments: [json, revision])
                guard db.changesCount == 1 else { return false }
                try Self.bumpGeneration(db)
                return true
            }
            if committed { return updated }
        }
        throw StoreError.database("the settings kept changing under this update (20 attempts); try again")
    }

    public func admissionFacts() async throws -> AdmissionFacts {
        try await read { db in
            let sensors = try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.sensorColumns) FROM sensors")
                .map(SQLiteRows.sensor)
            return try Self.admissionFacts(db, sensors: sensors)
        }
    }

    public func admissionFacts(for uuid: UUID) async throws -> AdmissionFacts {
        try await read { db in
            let sensor = try Self.loadSensor(db, uuid)
            return try Self.admissionFacts(db, sensors: sensor.map { [$0] } ?? [])
        }
    }

    static func loadSettings(_ db: Database) throws -> (settings: ServerSettings, revision: Int64) {
        guard let row = try Row.fetchOne(db, sql: "SELECT json, revision FROM settings WHERE id = 1") else {
            throw StoreError.corruptData("the settings row is missing from table settings")
        }
        return (try SettingsCoding.decode(row["json"]), row["revision"])
    }

    static func admissionFacts(_ db: Database, sensors: [SensorRecord]) throws -> AdmissionFacts {
        var singles = Set<String>()
        var networks: [IPNetwork] = []
        for entry in try String.fetchAll(db, sql: "SELECT ip FROM blocked_ips") {
            // Entries were canonicalised on insert; one that no longer parses is matched verbatim.
            guard let network = IPNetwork(entry) else { singles.insert(entry); continue }
            if network.isSingleAddress { singles.insert(network.address.description) } else { networks.append(network) }
        }
        return AdmissionFacts(
            settings: try loadSettings(db).settings,
            blockedIPs: singles,
            blockedNetworks: networks,
            sensors: Dictionary(sensors.map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first }),
            generation: try generation(db))
    }
}
