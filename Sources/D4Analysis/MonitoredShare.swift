import D4Results

/// How many IPv4 addresses the telescope watches, and where that number comes from. Attack rates are
/// extrapolated to the whole IPv4 space as rate × 2^32 / addresses.
public enum MonitoredShare: Sendable, Hashable {
    /// From `--monitored`.
    case configured(addresses: UInt64)
    /// Estimated from the distinct destination addresses seen (a lower bound of the real space:
    /// the estimate overstates the victim's rate when parts of the space got no packet).
    case estimatedFromDestinations(addresses: UInt64)
    case unknown

    public var addresses: UInt64? {
        switch self {
        case .configured(let n), .estimatedFromDestinations(let n): n > 0 ? n : nil
        case .unknown: nil
        }
    }

    /// "configured", "estimated-from-destinations" or "unknown" (the value reports carry).
    public var source: String {
        switch self {
        case .configured: "configured"
        case .estimatedFromDestinations: "estimated-from-destinations"
        case .unknown: "unknown"
        }
    }

    /// Factor from the telescope's view to the whole IPv4 space.
    public var extrapolationFactor: Double? {
        addresses.map { 4_294_967_296.0 / Double($0) }
    }
}
