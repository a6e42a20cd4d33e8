import D4Basics
import D4Results
import Foundation

/// Botnet-capacity figures of one period as the live analyzer keeps them: D4Results'
/// `BotnetPeriodCount` (the value `d4 analyze --botnets` reports) plus where and when it was written.
/// A running period is written again as it grows (upsert by period, start, node): each write replaces
/// the previous one, because distinct-source counts cannot be added up.
@dynamicMemberLookup
public struct BotnetCountRecord: Sendable, Hashable, Encodable {
    public var count: BotnetPeriodCount
    /// The analyzer node that counted it ("" on a single server). Nodes keep separate rows: distinct
    /// sources seen by two nodes cannot be merged from their counts.
    public var node: String
    /// False until the period has ended (then its counts are final).
    public var isComplete: Bool
    /// When the analyzer last wrote this row (wall clock).
    public var updatedAt: Date

    public init(_ count: BotnetPeriodCount, node: String = "", isComplete: Bool, updatedAt: Date) {
        self.count = count
        self.node = node
        self.isComplete = isComplete
        self.updatedAt = updatedAt
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<BotnetPeriodCount, Value>) -> Value {
        get { count[keyPath: path] }
        set { count[keyPath: path] = newValue }
    }

    private enum StoredKeys: String, CodingKey {
        case node
        case complete
        case updatedAt = "updated_at"
    }

    /// The period's report fields plus `node`, `complete` and `updated_at`.
    public func encode(to encoder: any Encoder) throws {
        try count.encode(to: encoder)
        var container = encoder.container(keyedBy: StoredKeys.self)
        try container.encode(node, forKey: .node)
        try container.encode(isComplete, forKey: .complete)
        try container.encode(ISO8601Time.string(from: updatedAt.timeIntervalSince1970), forKey: .updatedAt)
    }
}
