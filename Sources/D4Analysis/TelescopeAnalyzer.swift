import D4Results
import PacketCapture

/// The whole analysis of a telescope's packets, one packet at a time: dissect (for raw records),
/// classify, track attacks, count botnet capacity. The same code serves `d4 analyze` (files) and the
/// server (live frames): no assumption of a whole file, bounded state throughout.
public struct TelescopeAnalyzer: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var classifier: ClassifierConfiguration
        public var tracker: AttackTrackerConfiguration
        public var topPortCount: Int
        public var maximumBotnetSources: Int
        /// Capture-time interval between two idle-timeout sweeps of the attack tracker.
        public var expiryInterval: Double
        /// Whether to run the botnet-capacity counters (distinct scanners per port cost one table
        /// lookup per scan packet; a live attack feed can do without).
        public var countsBotnets: Bool

        public init(classifier: ClassifierConfiguration = ClassifierConfiguration(),
                    tracker: AttackTrackerConfiguration = AttackTrackerConfiguration(),
                    topPortCount: Int = 10, maximumBotnetSources: Int = 1_000_000, expiryInterval: Double = 1,
                    countsBotnets: Bool = true) {
            self.classifier = classifier
            self.tracker = tracker
            self.topPortCount = topPortCount
            self.maximumBotnetSources = maximumBotnetSources
            self.expiryInterval = expiryInterval
            self.countsBotnets = countsBotnets
        }
    }

    public let configuration: Configuration
    public private(set) var classifier: BackscatterClassifier
    public private(set) var tracker: AttackTracker
    public private(set) var botnets: BotnetCapacityCounter
    public private(set) var counts = ClassificationCounts()
    /// Distinct destinations, to estimate the monitored space when it is not configured.
    public private(set) var destinations = DistinctAddressEstimator()
    /// Latest capture time seen (inputs may be slightly out of order).
    public private(set) var clock: Double = -.infinity
    public private(set) var firstPacketTime: Double?
    private var nextExpiry: Double = -.infinity
    private let estimatesMonitoredSpace: Bool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        estimatesMonitoredSpace = configuration.classifier.monitored == nil
        classifier = BackscatterClassifier(configuration: configuration.classifier)
        let share: MonitoredShare = configuration.classifier.monitored.map { .configured(addresses: $0.addressCount) }
            ?? .unknown
        tracker = AttackTracker(configuration: configuration.tracker, monitoredShare: share)
        botnets = BotnetCapacityCounter(topPortCount: configuration.topPortCount,
                                        maximumExactSources: configuration.maximumBotnetSources)
    }

    /// The share used for extrapolation right now.
    public var monitoredShare: MonitoredShare { tracker.monitoredShare }

    /// Dissects and analyses one capture record. The packet is dissected into a local variable
    /// (`dissect(into:)`), so it is not copied out of an enum payload per packet; a stored scratch
    /// packet would be copied instead, since `observe` mutates the analyzer that holds it. The
    /// variable is then handed on by reference (see `observe(dissected:atSanitized:onEvent:)`).
    @inline(__always)
    public mutating func observe(record: CaptureRecord, onEvent: (AttackEvent) -> Void) {
        let time = CaptureTime.sanitized(Double(record.timestampSeconds) + Double(record.timestampNanoseconds) * 1e-9,
                                         fallback: clock)
        // Built in place rather than copied from `DissectedPacket.unset` (a global: a `swift_once`
        // check and a memcpy per packet); `dissect` overwrites it.
        var packet = DissectedPacket(source: .v4(0), destination: .v4(0), ipProtocol: 0, ttl: 0, ipLength: 0,
                                     transport: .other(ipProtocol: 0))
        switch PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes, into: &packet) {
        case .packet:
            observe(dissected: &packet, atSanitized: time, onEvent: onEvent)
        case .notIP:
            counts.countNotIP()
        case .unsupportedLinkType:
            counts.countUnsupportedLinkType()
        case .malformed(let reason):
            counts.countMalformed(reason)
        }
    }

    /// Analyses one dissected packet seen at `time` (seconds since the epoch).
    @inline(__always)
    public mutating func observe(_ packet: DissectedPacket, at rawTime: Double, onEvent: (AttackEvent) -> Void) {
        var packet = packet
        observe(dissected: &packet, atSanitized: CaptureTime.sanitized(rawTime, fallback: clock), onEvent: onEvent)
    }

    /// The per-packet work. `inout` only to pass the packet by reference (it is not changed): passed
    /// by value, the 153-byte struct was copied per packet into a temporary for the calls below, and
    /// reading its fields back from that copy stalled on the copy's wide stores.
    @inline(__always)
    private mutating func observe(dissected packet: inout DissectedPacket, atSanitized time: Double,
                                  onEvent: (AttackEvent) -> Void) {
        if firstPacketTime == nil { firstPacketTime = time }
        if time > clock { clock = time }
        if clock >= nextExpiry { sweep(onEvent: onEvent) }
        let verdict = classifier.classify(packet, at: time)
        counts.count(verdict)
        if estimatesMonitoredSpace { destinations.insert(packet.destination) }
        // Each counter takes one class only: test it here, so that the other packets skip the call.
        switch verdict.trafficClass {
        case .backscatter:
            tracker.observe(dissected: &packet, classification: verdict, at: time, onEvent: onEvent)
        case .scan:
            if configuration.countsBotnets { botnets.observe(dissected: &packet, classification: verdict, at: time) }
        case .other:
            break
        }
    }

    /// Closes attacks idle at `now` (live use: call from a timer when no packet arrives).
    public mutating func expire(now: Double, onEvent: (AttackEvent) -> Void) {
        let now = CaptureTime.sanitized(now, fallback: clock)
        if now > clock { clock = now }
        sweep(onEvent: onEvent)
    }

    /// End of input: closes every flow and the open botnet periods.
    public mutating func finish(onEvent: (AttackEvent) -> Void) -> BotnetCapacityReport {
        refreshShare()
        tracker.closeAll(onEvent: onEvent)
        return botnets.finish()
    }

    private mutating func sweep(onEvent: (AttackEvent) -> Void) {
        refreshShare()
        tracker.expire(now: clock, onEvent: onEvent)
        nextExpiry = clock + configuration.expiryInterval
    }

    private mutating func refreshShare() {
        guard configuration.classifier.monitored == nil else { return }
        let estimate = destinations.estimate
        tracker.monitoredShare = estimate > 0 ? .estimatedFromDestinations(addresses: estimate) : .unknown
    }
}
