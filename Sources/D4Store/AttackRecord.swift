import D4Basics
import D4Results
import Foundation

/// One denial-of-service attack as the server's live analyzer keeps it: written again (upsert by `id`)
/// while the attack runs, and a last time when it closes. The attack itself is D4Results' `Attack`, the
/// same value `d4 analyze` reports, so the API and the offline report give the same fields by
/// construction; the store adds where and when it was written.
@dynamicMemberLookup
public struct AttackRecord: Sendable, Hashable, Encodable {
    public var attack: Attack
    /// The analyzer node that saw it ("" on a single server); several nodes may share one database.
    public var node: String
    /// When the analyzer last wrote this row (wall clock).
    public var updatedAt: Date

    public init(_ attack: Attack, node: String = "", updatedAt: Date) {
        self.attack = attack
        self.node = node
        self.updatedAt = updatedAt
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<Attack, Value>) -> Value {
        get { attack[keyPath: path] }
        set { attack[keyPath: path] = newValue }
    }

    private enum StoredKeys: String, CodingKey {
        case node
        case updatedAt = "updated_at"
    }

    /// The attack's report fields plus `node` and `updated_at`.
    public func encode(to encoder: any Encoder) throws {
        try attack.encode(to: encoder)
        var container = encoder.container(keyedBy: StoredKeys.self)
        try container.encode(node, forKey: .node)
        try container.encode(ISO8601Time.string(from: updatedAt.timeIntervalSince1970), forKey: .updatedAt)
    }
}
