import D4Queues
import D4Store
import Logging

/// What route handlers work with: the store, the live queues, the metrics and the configuration.
/// Passed to every `WebRoutes` set, so a new set of routes needs nothing else wired up.
public struct WebEnvironment: Sendable {
    public let store: any D4Store
    public let queues: QueueHub
    public let metrics: D4Metrics
    public let configuration: WebConfiguration
    public let logger: Logger

    public init(store: any D4Store, queues: QueueHub, metrics: D4Metrics, configuration: WebConfiguration, logger: Logger) {
        self.store = store
        self.queues = queues
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
    }
}
