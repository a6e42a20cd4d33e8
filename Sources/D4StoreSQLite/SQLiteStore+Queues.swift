import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    public func defineQueue(_ q: QueueDefinition) async throws {
        try Validation.checkQueue(q)
        let sensors = try Self.encodeSensorList(q.sensors)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO queues (name, type, meta_type, sensors, capacity, drop_policy) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    type = excluded.type, meta_type = excluded.meta_type, sensors = excluded.sensors,
                    capacity = excluded.capacity, drop_policy = excluded.drop_policy
                """, arguments: [q.name, q.type, q.metaType, sensors, q.capacity, q.dropPolicy])
            try Self.bumpGeneration(db)
        }
    }

    public func removeQueue(_ name: String) async throws {
        try Validation.checkQueueName(name)
        try await write { db in
            try db.execute(sql: "DELETE FROM queues WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw StoreError.queueNotFound(name) }
            try Self.bumpGeneration(db)
        }
    }

    public func queues() async throws -> [QueueDefinition] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, type, meta_type, sensors, capacity, drop_policy FROM queues ORDER BY name")
                .map { row in
                    QueueDefinition(
                        name: row["name"], type: row["type"], metaType: row["meta_type"],
                        sensors: try Self.decodeSensorList(row["sensors"]), capacity: row["capacity"],
                        dropPolicy: row["drop_policy"])
                }
        }
    }

    /// The sensor filter is a JSON array of lower-case UUID strings (readable, and jsonb-ready for PostgreSQL).
    static func encodeSensorList(_ sensors: [UUID]) throws(StoreError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(sensors.map(SQLiteRows.text)), as: UTF8.self)
        } catch {
            throw .database("cannot encode a queue's sensor list: \(error)")
        }
    }

    static func decodeSensorList(_ json: String) throws -> [UUID] {
        guard let texts = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw StoreError.corruptData("a queue's sensor list is not a JSON array of strings")
        }
        return try texts.map { try SQLiteRows.uuid($0, in: "queues") }
    }
}
