import Metrics
import D4Queues
import NIOConcurrencyHelpers
import Prometheus

/// The server's Prometheus series, served at `GET /metrics`.
///
/// The server pushes plain numbers (no D4Ingest types here): accepted frames and bytes per frame
/// type (`record(batch:)`, fed from each statistics flush), and open sensor connections. Queue depth,
/// counters and consumers are read from `QueueHub.statistics()` at each scrape, so removed queues
/// disappear. Labels are the frame type and the queue name only: never a sensor UUID or an IP
/// (unbounded cardinality); per-sensor figures are in the API.
///
/// Series:
/// - `d4_frames_accepted_total{type}`, `d4_bytes_accepted_total{type}` (counters)
/// - `d4_connections_open` (gauge)
/// - `d4_web_login_failures_total`, `d4_web_logins_throttled_total` (counters)
/// - `d4_queue_depth{queue}`, `d4_queue_consumers{queue}` (gauges),
///   `d4_queue_enqueued_total{queue}`, `d4_queue_delivered_total{queue}`, `d4_queue_dropped_total{queue}` (counters)
/// - with `bootstrapMetricsSystem()`: Hummingbird's `http_requests_total` etc. per route template.
public final class D4Metrics: Sendable {
    /// Traffic accepted for one frame type since the previous batch.
    public struct AcceptedTraffic: Sendable, Hashable {
        public var type: Int
        public var frames: Int
        public var bytes: Int

        public init(type: Int, frames: Int, bytes: Int) {
            self.type = type
            self.frames = frames
            self.bytes = bytes
        }
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    private let connectionsOpen: Prometheus.Gauge
    private let loginFailures: Prometheus.Counter
    private let loginsRefused: Prometheus.Counter
    private let counters = NIOLockedValueBox<[Int: (frames: Prometheus.Counter, bytes: Prometheus.Counter)]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        connectionsOpen = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "d4", metricName: "connections_open", unitName: "", helpText: "Sensor connections open now."))
        loginFailures = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "d4", metricName: "web_login_failures", unitName: "total",
            helpText: "API logins refused for a wrong user name or password."))
        loginsRefused = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "d4", metricName: "web_logins_throttled", unitName: "total",
            helpText: "API logins refused without a password check: too many failures, or too many checks at once."))
    }

    public func recordLoginFailure() { loginFailures.increment() }
    public func recordLoginThrottled() { loginsRefused.increment() }

    /// Makes swift-metrics users (Hummingbird's request metrics, other libraries) report into this
    /// registry. Call once per process, before anything creates a metric.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Adds one statistics batch: frames and bytes accepted per type since the previous batch.
    /// Negative numbers (a caller's bug) are ignored rather than making a counter go backwards.
    public func record(batch: [AcceptedTraffic]) {
        for traffic in batch {
            recordAccepted(type: traffic.type, frames: traffic.frames, bytes: traffic.bytes)
        }
    }

    public func recordAccepted(type: Int, frames: Int, bytes: Int) {
        guard (0...255).contains(type) else { return }
        let pair = counters.withLockedValue { counters in
            if let existing = counters[type] { return existing }
            let labels = [("type", String(type))]
            // Descriptor names join as namespace_metric_unit: d4_frames_accepted_total.
            let frames = MetricNameDescriptor(namespace: "d4", metricName: "frames_accepted", unitName: "total",
                                              helpText: "D4 frames accepted, by frame type.")
            let bytes = MetricNameDescriptor(namespace: "d4", metricName: "bytes_accepted", unitName: "total",
                                             helpText: "D4 payload bytes accepted, by frame type.")
            let made = (frames: registry.makeCounter(descriptor: frames, labels: labels),
                        bytes: registry.makeCounter(descriptor: bytes, labels: labels))
            counters[type] = made
            return made
        }
        if frames > 0 { pair.frames.increment(by: Int64(frames)) }
        if bytes > 0 { pair.bytes.increment(by: Int64(bytes)) }
    }

    public func setConnectionsOpen(_ count: Int) {
        connectionsOpen.set(to: Double(max(0, count)))
    }

    /// The whole exposition: the registry's series, then the queues' series from `queues`.
    public func render(queues: [QueueStatistics]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        registry.emit(into: &output)
        output.append(contentsOf: Self.queueSeries(queues).utf8)
        return output
    }

    static func queueSeries(_ queues: [QueueStatistics]) -> String {
        guard !queues.isEmpty else { return "" }
        let families: [(name: String, type: String, help: String, value: (QueueStatistics) -> Int)] = [
            ("d4_queue_depth", "gauge", "Items waiting in the analyzer queue.", \.depth),
            ("d4_queue_consumers", "gauge", "Consumers connected to the analyzer queue.", \.consumers),
            ("d4_queue_enqueued_total", "counter", "Items taken into the analyzer queue since the server started.", \.enqueued),
            ("d4_queue_delivered_total", "counter", "Items handed to consumers of the analyzer queue.", \.delivered),
            ("d4_queue_dropped_total", "counter", "Items the analyzer queue dropped by its drop policy.", \.dropped),
        ]
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for queue in queues {
                text += "\(family.name){queue=\"\(escapeLabel(queue.name))\"} \(family.value(queue))\n"
            }
        }
        return text
    }

    /// Prometheus text format label values: backslash, double quote and newline escaped.
    static func escapeLabel(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
