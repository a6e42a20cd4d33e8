import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    public func sensor(_ uuid: UUID) async throws -> SensorRecord? {
        try await read { db in try Self.loadSensor(db, uuid) }
    }

    public func sensors() async throws -> [SensorRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.sensorColumns) FROM sensors ORDER BY uuid")
                .map(SQLiteRows.sensor)
        }
    }

    public func upsertSensor(_ record: SensorRecord) async throws {
        if let key = record.key { try Validation.checkKey(key) }
        try Self.checkAdminText(description: record.description, contactMail: record.contactMail)
        try Validation.checkMaxBacklog(record.maxBacklog)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO sensors (\(SQLiteRows.sensorColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (uuid) DO UPDATE SET
                    key = excluded.key, state = excluded.state, description = excluded.description,
                    contact_mail = excluded.contact_mail, block_source_ips = excluded.block_source_ips,
                    max_backlog = excluded.max_backlog, kicked_until = excluded.kicked_until
                """, arguments: [
                    SQLiteRows.text(record.uuid), record.key, record.state.rawValue, record.description,
                    record.contactMail, record.blockSourceIPs, record.maxBacklog,
                    record.kickedUntil.map(SQLiteRows.seconds), record.firstSeen.map(SQLiteRows.seconds),
                    record.lastSeen.map(SQLiteRows.seconds), record.lastError,
                    record.lastErrorAt.map(SQLiteRows.seconds),
                ])
            try Self.bumpGeneration(db)
        }
    }

    public func registerSensor(uuid: UUID, key: Data, description: String, contactMail: String) async throws -> SensorRecord {
        try Validation.checkUUIDVersion4(uuid)
        try Validation.checkKey(key)
        try Self.checkAdminText(description: description, contactMail: contactMail)
        return try await write { db in
            if let existing = try Self.loadSensor(db, uuid), existing.state != .pending {
                throw StoreError.invalidInput(
                    "sensor \(SQLiteRows.text(uuid)) is already \(existing.state.rawValue); only an administrator can change its key")
            }
            try db.execute(sql: """
                INSERT INTO sensors (uuid, key, state, description, contact_mail) VALUES (?, ?, 'pending', ?, ?)
                ON CONFLICT (uuid) DO UPDATE SET
                    key = excluded.key, description = excluded.description, contact_mail = excluded.contact_mail
                """, arguments: [SQLiteRows.text(uuid), key, description, contactMail])
            try Self.bumpGeneration(db)
            guard let stored = try Self.loadSensor(db, uuid) else {
                throw StoreError.database("sensor \(SQLiteRows.text(uuid)) vanished right after registration")
            }
            return stored
        }
    }

    public func setSensorState(_ uuid: UUID, _ state: SensorState) async throws {
        try await setSensorField(uuid, column: .state, state.rawValue)
    }

    public func setSensorKey(_ uuid: UUID, _ key: Data?) async throws {
        if let key { try Validation.checkKey(key) }
        try await setSensorField(uuid, column: .key, key)
    }

    public func setSensorMaxBacklog(_ uuid: UUID, _ limit: Int?) async throws {
        try Validation.checkMaxBacklog(limit)
        try await setSensorField(uuid, column: .maxBacklog, limit)
    }

    public func setBlockSourceIPs(_ uuid: UUID, _ on: Bool) async throws {
        try await setSensorField(uuid, column: .blockSourceIPs, on)
    }

    public func kickSensor(_ uuid: UUID, until: Date) async throws {
        try await setSensorField(uuid, column: .kickedUntil, SQLiteRows.seconds(until))
    }

    public func setSensorDescription(_ uuid: UUID, description: String, contactMail: String) async throws {
        try Self.checkAdminText(description: description, contactMail: contactMail)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO sensors (uuid, state, description, contact_mail) VALUES (?, 'pending', ?, ?)
                ON CONFLICT (uuid) DO UPDATE SET description = excluded.description, contact_mail = excluded.contact_mail
                """, arguments: [SQLiteRows.text(uuid), description, contactMail])
            try Self.bumpGeneration(db)
        }
    }

    public func removeSensor(_ uuid: UUID) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sensors WHERE uuid = ?", arguments: [SQLiteRows.text(uuid)])
            guard db.changesCount == 1 else { throw StoreError.sensorNotFound(uuid) }
            try Self.bumpGeneration(db)
        }
    }

    public func recordSensorError(_ uuid: UUID, reason: String, at: Date) async throws {
        try await recordAdmissionFailure(sensor: uuid, sourceIP: nil, reason: reason, at: at)
    }

    public func recordAdmissionFailure(sensor: UUID?, sourceIP: String?, reason: String, at: Date) async throws {
        let ip = try sourceIP.map(Validation.canonicalAddress)
        let reason = Self.boundedReason(reason)
        try await write { db in
            let seconds = SQLiteRows.seconds(at)
            if let sensor {
                try db.execute(
                    sql: "UPDATE sensors SET last_error = ?, last_error_at = ? WHERE uuid = ?",
                    arguments: [reason, seconds, SQLiteRows.text(sensor)])
            }
            try db.execute(
                sql: "INSERT INTO admission_failures (sensor, source_ip, reason, at) VALUES (?, ?, ?, ?)",
                arguments: [sensor.map(SQLiteRows.text), ip, reason, seconds])
            try db.execute(
                sql: "DELETE FROM admission_failures WHERE id <= ?",
                arguments: [db.lastInsertedRowID - Int64(StoreLimits.admissionFailureLog)])
        }
    }

    public func admissionFailures(limit: Int) async throws -> [AdmissionFailure] {
        guard limit >= 0 else { throw StoreError.invalidInput("limit \(limit) must not be negative") }
        return try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT sensor, source_ip, reason, at FROM admission_failures ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                let sensorText: String? = row["sensor"]
                return AdmissionFailure(
                    sensor: try sensorText.map { try SQLiteRows.uuid($0, in: "admission_failures") },
                    sourceIP: row["source_ip"], reason: row["reason"],
                    at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }

    public func sourceIPs(of uuid: UUID) async throws -> [SensorSourceIP] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT ip, last_seen FROM sensor_ips WHERE sensor = ?
                ORDER BY last_seen DESC, ip DESC LIMIT \(StoreLimits.sourceIPsPerSensor)
                """, arguments: [SQLiteRows.text(uuid)]
            ).map { SensorSourceIP(ip: $0["ip"], lastSeen: Date(timeIntervalSince1970: $0["last_seen"])) }
        }
    }

    public func typesSeen(by uuid: UUID) async throws -> [SensorTypeSeen] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT type, meta_type, first_seen, last_seen FROM sensor_types WHERE sensor = ?
                ORDER BY type, meta_type
                """, arguments: [SQLiteRows.text(uuid)]
            ).map { row in
                let metaType: String = row["meta_type"]
                return SensorTypeSeen(
                    type: row["type"], metaType: metaType.isEmpty ? nil : metaType,
                    firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
                    lastSeen: Date(timeIntervalSince1970: row["last_seen"]))
            }
        }
    }

    // MARK: - Helpers

    /// Columns an admin setter may change (never interpolated from input).
    enum SensorField: String {
        case state, key
        case maxBacklog = "max_backlog"
        case blockSourceIPs = "block_source_ips"
        case kickedUntil = "kicked_until"
    }

    /// Sets one column, creating a pending record if the sensor has none.
    func setSensorField(_ uuid: UUID, column: SensorField, _ value: (any DatabaseValueConvertible & Sendable)?) async throws {
        let columns = column == .state ? "uuid, state" : "uuid, state, \(column.rawValue)"
        let values = column == .state ? "?, ?" : "?, 'pending', ?"
        try await write { db in
            try db.execute(sql: """
                INSERT INTO sensors (\(columns)) VALUES (\(values))
                ON CONFLICT (uuid) DO UPDATE SET \(column.rawValue) = excluded.\(column.rawValue)
                """, arguments: StatementArguments([SQLiteRows.text(uuid), value]))
            try Self.bumpGeneration(db)
        }
    }

    static func loadSensor(_ db: Database, _ uuid: UUID) throws -> SensorRecord? {
        try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.sensorColumns) FROM sensors WHERE uuid = ?",
                         arguments: [SQLiteRows.text(uuid)]).map(SQLiteRows.sensor)
    }

    static func checkAdminText(description: String, contactMail: String) throws(StoreError) {
        try Validation.checkText(description, field: "description", maxCharacters: Validation.maxDescriptionCharacters)
        try Validation.checkText(contactMail, field: "contact mail", maxCharacters: Validation.maxContactMailCharacters)
    }

    /// Reasons come from the server, not from operators; an over-long one is cut visibly, not silently.
    static func boundedReason(_ reason: String) -> String {
        reason.count > Validation.maxReasonCharacters ? String(reason.prefix(Validation.maxReasonCharacters)) + "…" : reason
    }
}
