import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    /// Adds a batch in one transaction. Everything is validated before anything is written, so a bad
    /// batch changes nothing. Sensors seen for the first time get a `pending` record.
    public func apply(_ batch: StatisticsBatch) async throws {
        let prepared = try PreparedBatch(batch)
        guard !prepared.isEmpty else { return }
        try await write { db in try Self.write(prepared, db) }
    }

    public func dailyCounters(day: String?, sensor: UUID?) async throws -> [DailyCounter] {
        if let day { try Validation.checkDay(day) }
        return try await read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let day {
                conditions.append("day = ?")
                arguments += [day]
            }
            if let sensor {
                conditions.append("sensor = ?")
                arguments += [SQLiteRows.text(sensor)]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT day, sensor, type, source_ip, frames, bytes FROM daily_counters \(filter)
                ORDER BY day, sensor, type, source_ip
                """, arguments: arguments).map(SQLiteRows.dailyCounter)
        }
    }

    static func write(_ batch: PreparedBatch, _ db: Database) throws {
        // Sensor rows first: the address and type rows reference them.
        try upsertRows(db, batch.sensors, columns: 3, insert: """
            INSERT INTO sensors (uuid, state, first_seen, last_seen) VALUES
            """, placeholders: "(?, 'pending', ?, ?)", conflict: """
            ON CONFLICT (uuid) DO UPDATE SET
                first_seen = CASE WHEN first_seen IS NULL OR excluded.first_seen < first_seen
                                  THEN excluded.first_seen ELSE first_seen END,
                last_seen = CASE WHEN last_seen IS NULL OR excluded.last_seen > last_seen
                                 THEN excluded.last_seen ELSE last_seen END
            """) { sensor, values in
            values.append(sensor.uuid)
            values.append(sensor.firstSeen)
            values.append(sensor.lastSeen)
        }

        try upsertRows(db, batch.types, columns: 5, insert: """
            INSERT INTO sensor_types (sensor, type, meta_type, first_seen, last_seen) VALUES
            """, placeholders: "(?, ?, ?, ?, ?)", conflict: """
            ON CONFLICT (sensor, type, meta_type) DO UPDATE SET
                first_seen = CASE WHEN excluded.first_seen < first_seen THEN excluded.first_seen ELSE first_seen END,
                last_seen = CASE WHEN excluded.last_seen > last_seen THEN excluded.last_seen ELSE last_seen END
            """) { type, values in
            values.append(type.sensor)
            values.append(type.type)
            values.append(type.metaType)
            values.append(type.firstSeen)
            values.append(type.lastSeen)
        }

        try upsertRows(db, batch.counters, columns: 6, insert: """
            INSERT INTO daily_counters (day, sensor, type, source_ip, frames, bytes) VALUES
            """, placeholders: "(?, ?, ?, ?, ?, ?)", conflict: """
            ON CONFLICT (day, sensor, type, source_ip) DO UPDATE SET
                frames = frames + excluded.frames, bytes = bytes + excluded.bytes
            """) { counter, values in
            values.append(counter.day)
            values.append(counter.sensor)
            values.append(counter.type)
            values.append(counter.sourceIP)
            values.append(counter.frames)
            values.append(counter.bytes)
        }

        try writeSourceIPs(batch.sensors, db)
    }

    /// Most flushes see a sensor's usual address again: try the update first; only a real insert
    /// (a new address) can push the sensor over 16 addresses and needs the trim.
    static func writeSourceIPs(_ sensors: [PreparedBatch.Sensor], _ db: Database) throws {
        let refreshIP = try db.cachedStatement(sql: """
            UPDATE sensor_ips SET last_seen = CASE WHEN ?3 > last_seen THEN ?3 ELSE last_seen END
            WHERE sensor = ?1 AND ip = ?2
            """)
        let insertIP = try db.cachedStatement(sql: "INSERT INTO sensor_ips (sensor, ip, last_seen) VALUES (?, ?, ?)")
        let trimIPs = try db.cachedStatement(sql: """
            DELETE FROM sensor_ips WHERE rowid IN (
                SELECT rowid FROM sensor_ips WHERE sensor = ? ORDER BY last_seen DESC, ip DESC
                LIMIT -1 OFFSET \(StoreLimits.sourceIPsPerSensor))
            """)
        for sensor in sensors {
            var addedIP = false
            for (ip, lastSeen) in sensor.sourceIPs {
                try refreshIP.execute(arguments: [sensor.uuid, ip, lastSeen])
                if db.changesCount == 0 {
                    try insertIP.execute(arguments: [sensor.uuid, ip, lastSeen])
                    addedIP = true
                }
            }
            if addedIP { try trimIPs.execute(arguments: [sensor.uuid]) }
        }
    }

    /// Writes rows in multi-row UPSERTs of up to 100 rows: per-statement overhead dominates
    /// single-row statements. Rows must have distinct conflict keys (PreparedBatch guarantees it).
    static func upsertRows<Element>(
        _ db: Database, _ rows: [Element], columns: Int, insert: String, placeholders: String, conflict: String,
        values append: (Element, inout [(any DatabaseValueConvertible)?]) -> Void
    ) throws {
        let rowsPerStatement = 100
        var start = 0
        var values: [(any DatabaseValueConvertible)?] = []
        values.reserveCapacity(rowsPerStatement * columns)
        while start < rows.count {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            // Cached per distinct row count: at most two statements per table (full chunk, remainder).
            let statement = try db.cachedStatement(sql: """
                \(insert) \(Array(repeating: placeholders, count: chunk.count).joined(separator: ", ")) \(conflict)
                """)
            values.removeAll(keepingCapacity: true)
            for row in chunk { append(row, &values) }
            try statement.execute(arguments: StatementArguments(values))
            start += chunk.count
        }
    }
}

/// A statistics batch validated and converted to column values (sentinels for absent dimensions),
/// ready to write without further checks.
struct PreparedBatch: Sendable {
    struct Sensor: Sendable {
        var uuid: String
        var firstSeen: Double
        var lastSeen: Double
        var sourceIPs: [(String, Double)]
    }

    struct TypeSeen: Sendable {
        var sensor: String
        var type: Int
        var metaType: String
        var firstSeen: Double
        var lastSeen: Double
    }

    struct Counter: Sendable {
        var day: String
        var sensor: String
        var type: Int
        var sourceIP: String
        var frames: Int64
        var bytes: Int64
    }

    var sensors: [Sensor] = []
    var types: [TypeSeen] = []
    var counters: [Counter] = []

    var isEmpty: Bool { sensors.isEmpty && counters.isEmpty }

    init(_ batch: StatisticsBatch) throws(StoreError) {
        sensors.reserveCapacity(batch.sensorsSeen.count)
        for (uuid, activity) in batch.sensorsSeen {
            // Two spellings of one address (e.g. mapped IPv6) merge into one entry.
            var ips: [String: Double] = [:]
            for (ip, seen) in activity.sourceIPs {
                let canonical = try Validation.canonicalAddress(ip)
                ips[canonical] = max(ips[canonical] ?? -.infinity, SQLiteRows.seconds(seen))
            }
            let uuidText = SQLiteRows.text(uuid)
            for (key, span) in activity.types {
                try Validation.checkType(key.type)
                try Validation.checkMetaType(key.metaType)
                types.append(TypeSeen(
                    sensor: uuidText, type: key.type, metaType: key.metaType ?? "",
                    firstSeen: SQLiteRows.seconds(span.first), lastSeen: SQLiteRows.seconds(span.last)))
            }
            sensors.append(Sensor(
                uuid: uuidText, firstSeen: SQLiteRows.seconds(activity.seen.first),
                lastSeen: SQLiteRows.seconds(activity.seen.last),
                sourceIPs: ips.map { ($0.key, $0.value) }))
        }
        // Canonicalising IPs can make two keys equal: add them up before writing.
        var merged: [CounterKey: (frames: Int64, bytes: Int64)] = [:]
        merged.reserveCapacity(batch.counters.count)
        for (key, value) in batch.counters {
            try Validation.checkDay(key.day)
            if let type = key.type { try Validation.checkType(type) }
            guard value.frames >= 0, value.bytes >= 0 else {
                throw .invalidInput("counter for \(key.day) has negative values (\(value.frames) frames, \(value.bytes) bytes)")
            }
            var normalized = key
            normalized.sourceIP = try key.sourceIP.map(Validation.canonicalAddress)
            let current = merged[normalized] ?? (0, 0)
            merged[normalized] = (StatisticsBatch.saturatingAdd(current.frames, value.frames),
                                  StatisticsBatch.saturatingAdd(current.bytes, value.bytes))
        }
        counters = merged.map { key, value in
            Counter(day: key.day, sensor: key.sensor.map(SQLiteRows.text) ?? "", type: key.type ?? -1,
                    sourceIP: key.sourceIP ?? "", frames: value.frames, bytes: value.bytes)
        }
    }
}
