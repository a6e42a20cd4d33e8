import Foundation
import GRDB

extension SQLiteStore {
    public func upsertAttacks(_ attacks: [AttackRecord]) async throws {
        let checked = try attacks.map { attack throws(StoreError) in try Validation.checkAttack(attack) }
        guard !checked.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO attacks (\(AnalysisRows.attackColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    node = excluded.node, victim = excluded.victim, start_time = excluded.start_time,
                    end_time = excluded.end_time, ongoing = excluded.ongoing, packets = excluded.packets,
                    bytes = excluded.bytes, protocol = excluded.protocol, protocols = excluded.protocols,
                    ports = excluded.ports, responses = excluded.responses,
                    sensor_addresses = excluded.sensor_addresses,
                    sensor_addresses_estimated = excluded.sensor_addresses_estimated,
                    peak_pps = excluded.peak_pps, peak_minute_pps = excluded.peak_minute_pps,
                    mean_pps = excluded.mean_pps, estimated_pps = excluded.estimated_pps,
                    estimated_peak_pps = excluded.estimated_peak_pps,
                    monitored_addresses = excluded.monitored_addresses,
                    monitored_share = excluded.monitored_share, updated_at = excluded.updated_at
                WHERE attacks.ongoing = 1 OR excluded.ongoing = 0
                """)
            for attack in checked {
                try statement.execute(arguments: StatementArguments(try AnalysisRows.attackValues(attack)))
            }
        }
    }

    public func attacks(_ query: AttackQuery) async throws -> [AttackRecord] {
        let query = try Validation.checkAttackQuery(query)
        return try await read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let since = query.since {
                conditions.append("end_time >= ?")
                arguments += [SQLiteRows.seconds(since)]
            }
            if let until = query.until {
                conditions.append("start_time <= ?")
                arguments += [SQLiteRows.seconds(until)]
            }
            if let victim = query.victim {
                conditions.append("victim = ?")
                arguments += [victim]
            }
            if let ongoing = query.ongoing {
                conditions.append("ongoing = ?")
                arguments += [ongoing]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: """
                SELECT \(AnalysisRows.attackColumns) FROM attacks \(filter)
                ORDER BY start_time DESC, id LIMIT ?
                """, arguments: arguments).map(AnalysisRows.attack)
        }
    }

    public func attack(id: String) async throws -> AttackRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(AnalysisRows.attackColumns) FROM attacks WHERE id = ?", arguments: [id])
                .map(AnalysisRows.attack)
        }
    }

    public func closeOngoingAttacks(node: String, at date: Date) async throws -> Int {
        try Validation.checkNode(node)
        try Validation.checkTime(date, "closing time")
        return try await write { db in
            try db.execute(sql: "UPDATE attacks SET ongoing = 0, updated_at = ? WHERE ongoing = 1 AND node = ?",
                           arguments: [SQLiteRows.seconds(date), node])
            return db.changesCount
        }
    }

    public func upsertBotnetCounts(_ counts: [BotnetCountRecord]) async throws {
        for count in counts { try Validation.checkBotnetCount(count) }
        guard !counts.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO botnet_counts (\(AnalysisRows.botnetColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (period, start_time, node) DO UPDATE SET
                    mirai_sources = excluded.mirai_sources, mirai_packets = excluded.mirai_packets,
                    netis_sources = excluded.netis_sources, netis_packets = excluded.netis_packets,
                    scanner_sources = excluded.scanner_sources, scan_packets = excluded.scan_packets,
                    top_ports = excluded.top_ports, truncated = excluded.truncated,
                    complete = excluded.complete, updated_at = excluded.updated_at
                """)
            for count in counts {
                try statement.execute(arguments: StatementArguments(try AnalysisRows.botnetValues(count)))
            }
        }
    }

    public func botnetCounts(period: BotnetPeriod, since: Date?, until: Date?) async throws -> [BotnetCountRecord] {
        if let since { try Validation.checkTime(since, "since") }
        if let until { try Validation.checkTime(until, "until") }
        return try await read { db in
            var conditions = ["period = ?"]
            var arguments: StatementArguments = [period.rawValue]
            if let since {
                conditions.append("start_time >= ?")
                arguments += [SQLiteRows.seconds(since)]
            }
            if let until {
                conditions.append("start_time <= ?")
                arguments += [SQLiteRows.seconds(until)]
            }
            return try Row.fetchAll(db, sql: """
                SELECT \(AnalysisRows.botnetColumns) FROM botnet_counts WHERE \(conditions.joined(separator: " AND "))
                ORDER BY start_time, node
                """, arguments: arguments).map(AnalysisRows.botnetCount)
        }
    }
}

/// Rows of the analysis tables to and from records; lists travel as JSON text.
enum AnalysisRows {
    static let attackColumns = """
        id, node, victim, start_time, end_time, ongoing, packets, bytes, protocol, protocols, ports, responses,
        sensor_addresses, sensor_addresses_estimated, peak_pps, peak_minute_pps, mean_pps, estimated_pps,
        estimated_peak_pps, monitored_addresses, monitored_share, updated_at
        """

    static let botnetColumns = """
        period, start_time, node, mirai_sources, mirai_packets, netis_sources, netis_packets, scanner_sources,
        scan_packets, top_ports, truncated, complete, updated_at
        """

    static func attackValues(_ a: AttackRecord) throws -> [(any DatabaseValueConvertible)?] {
        [a.id, a.node, a.victim, SQLiteRows.seconds(a.start), SQLiteRows.seconds(a.end), a.isOngoing, a.packets,
         a.bytes, a.ipProtocol, try json(a.protocols), try json(a.ports), try json(a.responses), a.sensorAddresses,
         a.sensorAddressesEstimated, a.peakPacketsPerSecond, a.peakMinuteRate, a.meanPacketsPerSecond,
         a.estimatedPacketsPerSecond, a.estimatedPeakPacketsPerSecond, a.monitoredAddresses, a.monitoredShare,
         SQLiteRows.seconds(a.updatedAt)]
    }

    static func attack(_ row: Row) throws -> AttackRecord {
        AttackRecord(
            id: row["id"], node: row["node"], victim: row["victim"],
            start: Date(timeIntervalSince1970: row["start_time"]), end: Date(timeIntervalSince1970: row["end_time"]),
            isOngoing: row["ongoing"], packets: row["packets"], bytes: row["bytes"], ipProtocol: row["protocol"],
            protocols: try decode(row["protocols"], field: "protocols", table: "attacks"),
            ports: try decode(row["ports"], field: "ports", table: "attacks"),
            responses: try decode(row["responses"], field: "responses", table: "attacks"),
            sensorAddresses: row["sensor_addresses"], sensorAddressesEstimated: row["sensor_addresses_estimated"],
            peakPacketsPerSecond: row["peak_pps"], peakMinuteRate: row["peak_minute_pps"],
            meanPacketsPerSecond: row["mean_pps"], estimatedPacketsPerSecond: row["estimated_pps"],
            estimatedPeakPacketsPerSecond: row["estimated_peak_pps"], monitoredAddresses: row["monitored_addresses"],
            monitoredShare: row["monitored_share"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    static func botnetValues(_ c: BotnetCountRecord) throws -> [(any DatabaseValueConvertible)?] {
        [c.period.rawValue, SQLiteRows.seconds(c.start), c.node, c.miraiSources, c.miraiPackets, c.netisSources,
         c.netisPackets, c.scannerSources, c.scanPackets, try json(c.topPorts), c.truncated, c.isComplete,
         SQLiteRows.seconds(c.updatedAt)]
    }

    static func botnetCount(_ row: Row) throws -> BotnetCountRecord {
        let periodText: String = row["period"]
        guard let period = BotnetPeriod(rawValue: periodText) else {
            throw StoreError.corruptData("botnet period \"\(Validation.printable(periodText))\" is unknown")
        }
        return BotnetCountRecord(
            period: period, start: Date(timeIntervalSince1970: row["start_time"]), node: row["node"],
            miraiSources: row["mirai_sources"], miraiPackets: row["mirai_packets"],
            netisSources: row["netis_sources"], netisPackets: row["netis_packets"],
            scannerSources: row["scanner_sources"], scanPackets: row["scan_packets"],
            topPorts: try decode(row["top_ports"], field: "top_ports", table: "botnet_counts"),
            truncated: row["truncated"], isComplete: row["complete"],
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw StoreError.database("cannot encode an analysis list as JSON: \(error)")
        }
    }

    private static func decode<T: Decodable>(_ text: String, field: String, table: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptData("column \(field) of table \(table) is not the expected JSON: \(error)")
        }
    }
}
