import D4Analysis
import D4Results
import D4Store
import Foundation

/// The analysis results as store records: the same values, plus the node and the wall-clock write time.
extension AttackRecord {
    /// Normalises what a store refuses: an end before the start (a single packet's rounding) becomes
    /// the start, a non-finite extrapolated rate becomes unknown (nil).
    init(_ attack: Attack, node: String, updatedAt: Double) {
        var attack = attack
        attack.end = max(attack.end, attack.start)
        if let rate = attack.estimatedPacketsPerSecond, !rate.isFinite { attack.estimatedPacketsPerSecond = nil }
        if let rate = attack.estimatedPeakPacketsPerSecond, !rate.isFinite { attack.estimatedPeakPacketsPerSecond = nil }
        self.init(attack, node: node, updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}

extension BotnetCountRecord {
    init(_ count: BotnetPeriodCount, node: String, isComplete: Bool, updatedAt: Double) {
        self.init(count, node: node, isComplete: isComplete, updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}
