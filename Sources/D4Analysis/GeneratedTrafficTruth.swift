import D4Basics
import PacketCapture

/// What the generator actually wrote, to compare an analysis against.
public struct GeneratedTrafficTruth: Sendable {
    /// One entry per `TelescopeScenario.AttackPlan`, in the same order.
    public struct AttackTruth: Sendable, Hashable {
        public var plan: TelescopeScenario.AttackPlan
        public var victim: IPAddress
        /// Capture times (µs precision, as written) of the first and last backscatter packet.
        public var first: Double
        public var last: Double
        public var packets: Int
        public var bytes: Int
        /// Seconds between two backscatter packets of this attack.
        public var interval: Double { 1 / plan.rate }
    }

    public internal(set) var attacks: [AttackTruth] = []
    public internal(set) var packets = 0
    public internal(set) var malformedPackets = 0
    public internal(set) var miraiSources: Set<UInt32> = []
    public internal(set) var netisSources: Set<UInt32> = []
    public internal(set) var ackScannerPackets = 0
    var patternCounts = [Int](repeating: 0, count: PacketPattern.allCases.count)

    /// Packets written with this pattern (as the generator meant them).
    public func packets(matching pattern: PacketPattern) -> Int { patternCounts[pattern.index] }
}
