import D4Basics
import Foundation

/// How the ingest listener behaves. Admission rules themselves live in the store's settings.
public struct IngestConfiguration: Sendable {
    /// Addresses to listen on, e.g. `[::]:4443`, `0.0.0.0:4443`, `127.0.0.1:4443`.
    public var listen: [ListenAddress]
    /// A connection that has not completed one frame header by then is closed (reference: 30 s).
    public var headerTimeout: Duration
    /// How often connections hand their counters to the aggregator and flush their archive files.
    public var tickInterval: Duration
    /// How often aggregated statistics are written to the store.
    public var statisticsInterval: Duration
    /// How often the store's change generation is polled for admin changes.
    public var adminRefreshInterval: Duration
    /// Sees every statistics batch as it is written (metrics): server-wide frames and bytes per type.
    public var statisticsObserver: (@Sendable (_ perType: [Int: (frames: Int64, bytes: Int64)]) -> Void)?

    public init(listen: [ListenAddress], headerTimeout: Duration = .seconds(30), tickInterval: Duration = .seconds(1),
                statisticsInterval: Duration = .seconds(2), adminRefreshInterval: Duration = .seconds(1),
                statisticsObserver: (@Sendable (_ perType: [Int: (frames: Int64, bytes: Int64)]) -> Void)? = nil) {
        self.statisticsObserver = statisticsObserver
        self.listen = listen
        self.headerTimeout = headerTimeout
        self.tickInterval = tickInterval
        self.statisticsInterval = statisticsInterval
        self.adminRefreshInterval = adminRefreshInterval
    }
}
