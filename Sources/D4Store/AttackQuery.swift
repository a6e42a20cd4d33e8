import Foundation

/// Which attacks `D4Store.attacks(_:)` returns, newest start first.
public struct AttackQuery: Sendable, Hashable {
    /// Attacks still running at or after this moment (end ≥ since); nil = no lower bound.
    public var since: Date?
    /// Attacks that started at or before this moment; nil = no upper bound.
    public var until: Date?
    /// Only this victim address (any textual form; compared canonically).
    public var victim: String?
    /// Only running (true) or only closed (false) attacks; nil = both.
    public var ongoing: Bool?
    /// Most rows returned, 1…`maximumLimit`.
    public var limit: Int

    public static let maximumLimit = 10_000

    public init(since: Date? = nil, until: Date? = nil, victim: String? = nil, ongoing: Bool? = nil, limit: Int = 100) {
        self.since = since; self.until = until; self.victim = victim; self.ongoing = ongoing; self.limit = limit
    }
}
