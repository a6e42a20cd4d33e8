/// Settings of `AttackTracker`.
///
/// The defaults follow the flow-based method of Moore, Voelker and Savage, "Inferring Internet
/// Denial-of-Service Activity" (USENIX Security 2001; extended in ACM TOCS 24(2), 2006): backscatter
/// is grouped per victim into flows that end after 5 minutes without a packet, and a flow counts as an
/// attack only when it has more than 25 packets, lasts more than 60 seconds and reaches a maximum rate
/// above 0.5 packets per second (the rate taken over one-minute intervals).
public struct AttackTrackerConfiguration: Sendable, Hashable {
    /// Seconds without a backscatter packet after which a victim's flow ends.
    public var idleTimeout: Double
    /// A flow must have strictly more packets than this to be an attack.
    public var minimumPackets: Int
    /// A flow must last strictly longer than this (seconds, first to last packet).
    public var minimumDuration: Double
    /// The flow's peak rate over `rateWindow` buckets must be strictly above this (packets per second).
    public var minimumPeakRate: Double
    /// Width of the buckets the threshold rate is measured over, in seconds.
    public var rateWindow: Double
    /// How often (capture time) an `updated` event is emitted for a running attack.
    public var updateInterval: Double
    /// Most victims tracked at once; packets for further victims are counted as rejected.
    public var maximumVictims: Int
    /// Distinct sensor addresses per attack are counted exactly up to this many, estimated beyond.
    public var exactSensorAddresses: Int
    /// Most distinct victim ports and response kinds kept per attack.
    public var maximumPortsPerAttack: Int

    public static let classicIdleTimeout: Double = 300
    public static let classicMinimumPackets = 25
    public static let classicMinimumDuration: Double = 60
    public static let classicMinimumPeakRate = 0.5

    public init(idleTimeout: Double = Self.classicIdleTimeout, minimumPackets: Int = Self.classicMinimumPackets,
                minimumDuration: Double = Self.classicMinimumDuration,
                minimumPeakRate: Double = Self.classicMinimumPeakRate, rateWindow: Double = 60,
                updateInterval: Double = 60, maximumVictims: Int = 200_000,
                exactSensorAddresses: Int = 1024, maximumPortsPerAttack: Int = 64) {
        self.idleTimeout = idleTimeout
        self.minimumPackets = minimumPackets
        self.minimumDuration = minimumDuration
        self.minimumPeakRate = minimumPeakRate
        self.rateWindow = max(rateWindow, 0.001)
        self.updateInterval = updateInterval
        self.maximumVictims = max(1, maximumVictims)
        self.exactSensorAddresses = max(1, exactSensorAddresses)
        self.maximumPortsPerAttack = max(1, maximumPortsPerAttack)
    }
}
