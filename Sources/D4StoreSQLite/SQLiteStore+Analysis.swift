import D4Results
import D4Store
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

    static func attackValues(_ record: AttackRecord) throws -> [(any DatabaseValueConvertible)?] {
        let a = record.attack
        return [a.id, record.node, a.victim, a.start, a.end, a.isOngoing, a.packets, a.bytes, a.ipProtocol,
                try json(a.protocols), try json(a.ports.map(StoredPort.init)), try json(a.responses.map(StoredResponse.init)),
                a.sensorAddresses, a.sensorAddressesEstimated, a.peakPacketsPerSecond, a.peakMinuteRate,
                a.meanPacketsPerSecond, a.estimatedPacketsPerSecond, a.estimatedPeakPacketsPerSecond,
                a.monitoredAddresses.map { Int64(clamping: $0) }, a.monitoredShareSource, SQLiteRows.seconds(record.updatedAt)]
    }

    static func attack(_ row: Row) throws -> AttackRecord {
        let ports: [StoredPort] = try decode(row["ports"], field: "ports", table: "attacks")
        let responses: [StoredResponse] = try decode(row["responses"], field: "responses", table: "attacks")
        let monitored: Int64? = row["monitored_addresses"]
        let attack = Attack(
            id: row["id"], victim: row["victim"], start: row["start_time"], end: row["end_time"],
            packets: row["packets"], bytes: row["bytes"], sensorAddresses: row["sensor_addresses"],
            sensorAddressesEstimated: row["sensor_addresses_estimated"], ipProtocol: row["protocol"],
            protocols: try decode(row["protocols"], field: "protocols", table: "attacks"),
            ports: try ports.map { try $0.port(table: "attacks") }, responses: responses.map(\.response),
            peakPacketsPerSecond: row["peak_pps"], peakMinuteRate: row["peak_minute_pps"],
            meanPacketsPerSecond: row["mean_pps"], estimatedPacketsPerSecond: row["estimated_pps"],
            estimatedPeakPacketsPerSecond: row["estimated_peak_pps"],
            monitoredAddresses: monitored.map { UInt64(clamping: $0) }, monitoredShareSource: row["monitored_share"],
            isOngoing: row["ongoing"])
        return AttackRecord(attack, node: row["node"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    static func botnetValues(_ record: BotnetCountRecord) throws -> [(any DatabaseValueConvertible)?] {
        let c = record.count
        return [c.period.rawValue, c.start, record.node, c.miraiSources, c.miraiPackets, c.netisSources,
                c.netisPackets, c.scannerSources, c.scanPackets, try json(c.topPorts.map(StoredPortScan.init)),
                c.truncated, record.isComplete, SQLiteRows.seconds(record.updatedAt)]
    }

    static func botnetCount(_ row: Row) throws -> BotnetCountRecord {
        let periodText: String = row["period"]
        guard let period = BotnetPeriod(rawValue: periodText) else {
            throw StoreError.corruptData("botnet period \"\(Validation.printable(periodText))\" is unknown")
        }
        let ports: [StoredPortScan] = try decode(row["top_ports"], field: "top_ports", table: "botnet_counts")
        let count = BotnetPeriodCount(
            start: row["start_time"], period: period, miraiSources: row["mirai_sources"], miraiPackets: row["mirai_packets"],
            netisSources: row["netis_sources"], netisPackets: row["netis_packets"],
            scannerSources: row["scanner_sources"], scanPackets: row["scan_packets"],
            topPorts: try ports.map { try $0.count(table: "botnet_counts") }, truncated: row["truncated"])
        return BotnetCountRecord(count, node: row["node"], isComplete: row["complete"],
                                 updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    // The JSON shapes of the list columns, as the first schema stored them (keys `ipProtocol`, …): the
    // storage format stays what existing databases hold, whatever the report's JSON keys are.
    private struct StoredPort: Codable {
        var ipProtocol: String
        var port: Int
        var service: String?
        var packets: Int

        init(_ port: AttackPort) {
            ipProtocol = port.ipProtocol; self.port = Int(port.port); service = port.service; packets = port.packets
        }

        func port(table: String) throws -> AttackPort {
            guard let number = UInt16(exactly: port) else { throw StoreError.corruptData("port \(port) in table \(table) is outside 0…65535") }
            return AttackPort(ipProtocol: ipProtocol, port: number, service: service, packets: packets)
        }
    }

    private struct StoredResponse: Codable {
        var kind: String
        var packets: Int

        init(_ response: AttackResponse) { kind = response.kind; packets = response.packets }
        var response: AttackResponse { AttackResponse(kind: kind, packets: packets) }
    }

    private struct StoredPortScan: Codable {
        var ipProtocol: String
        var port: Int
        var service: String?
        var sources: Int
        var packets: Int

        init(_ scan: PortScanCount) {
            ipProtocol = scan.ipProtocol; port = Int(scan.port); service = scan.service; sources = scan.sources
            packets = scan.packets
        }

        func count(table: String) throws -> PortScanCount {
            guard let number = UInt16(exactly: port) else { throw StoreError.corruptData("port \(port) in table \(table) is outside 0…65535") }
            return PortScanCount(ipProtocol: ipProtocol, port: number, service: service, sources: sources, packets: packets)
        }
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
