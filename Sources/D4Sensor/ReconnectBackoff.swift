/// Exponential backoff with jitter between reconnection attempts: each failure doubles the delay up
/// to `maximum`; the actual wait is drawn from [delay/2, delay] so many sensors cut off by the same
/// outage do not all come back in the same second.
public struct ReconnectBackoff: Sendable {
    public let minimum: Duration
    public let maximum: Duration
    private var current: Duration

    public init(minimum: Duration = .seconds(1), maximum: Duration = .seconds(60)) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        self.current = minimum
    }

    public mutating func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let base = current
        current = min(maximum, current * 2)
        let fraction = Double.random(in: 0.5 ... 1.0, using: &generator)
        return base * fraction
    }

    public mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    public mutating func reset() { current = minimum }
}
