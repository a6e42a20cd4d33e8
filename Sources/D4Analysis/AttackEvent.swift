import D4Results

/// What the tracker reports while attacks run.
public struct AttackEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// The victim's flow just passed the thresholds.
        case opened
        /// Periodic snapshot of a running attack.
        case updated
        /// The victim was idle for the timeout (or the input ended): final values.
        case closed
    }

    public var kind: Kind
    public var attack: Attack

    public init(kind: Kind, attack: Attack) { self.kind = kind; self.attack = attack }
}
