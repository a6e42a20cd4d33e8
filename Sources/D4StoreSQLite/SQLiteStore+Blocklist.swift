import D4Store
import Foundation
import GRDB

extension SQLiteStore {
    public func blockIP(_ ip: String, reason: String) async throws {
        let entry = try Validation.canonicalBlockEntry(ip).description
        try Validation.checkText(reason, field: "block reason", maxCharacters: Validation.maxReasonCharacters)
        let now = SQLiteRows.seconds(Date())
        try await write { db in
            try db.execute(
                sql: "INSERT INTO blocked_ips (ip, reason, blocked_at) VALUES (?, ?, ?) ON CONFLICT (ip) DO NOTHING",
                arguments: [entry, reason, now])
            if db.changesCount == 1 { try Self.bumpGeneration(db) }
        }
    }

    public func unblockIP(_ ip: String) async throws {
        let entry = try Validation.canonicalBlockEntry(ip).description
        try await write { db in
            try db.execute(sql: "DELETE FROM blocked_ips WHERE ip = ?", arguments: [entry])
            guard db.changesCount == 1 else { throw StoreError.ipNotBlocked(entry) }
            try Self.bumpGeneration(db)
        }
    }

    public func blockedIPs() async throws -> [BlockedIP] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT ip, reason, blocked_at FROM blocked_ips ORDER BY blocked_at, ip").map {
                BlockedIP(ip: $0["ip"], reason: $0["reason"], blockedAt: Date(timeIntervalSince1970: $0["blocked_at"]))
            }
        }
    }
}
