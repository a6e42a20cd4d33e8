import D4Queues
import D4Store
import Hummingbird

/// `GET /api/v1/queues`: every queue defined in the store with its live statistics from the running
/// hub. A queue defined but not (yet) running has `active: false` and null live fields; a queue
/// running but no longer defined (removed a moment ago) is listed from the hub's own definition.
public struct QueueRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        let hub = environment.queues
        api.get("queues") { _, _ in
            let definitions = try await store.queues()
            let live = Dictionary(hub.statistics().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var queues = definitions.map { QueueJSON(definition: $0, live: live[$0.name]) }
            let defined = Set(definitions.map(\.name))
            queues += live.values.filter { !defined.contains($0.name) }.map(QueueJSON.init(running:))
            return QueueListResponse(queues: queues.sorted { $0.name < $1.name })
        }
    }
}

struct QueueListResponse: ResponseEncodable {
    let queues: [QueueJSON]
}

struct QueueJSON: Encodable, Sendable {
    let name: String
    let type: Int
    let metaType: String?
    let sensors: [String]
    let capacity: Int
    let dropPolicy: String
    let live: QueueStatistics?

    init(definition: QueueDefinition, live: QueueStatistics?) {
        name = definition.name
        type = definition.type
        metaType = definition.metaType
        sensors = definition.sensors.map { $0.uuidString.lowercased() }.sorted()
        capacity = definition.capacity
        dropPolicy = definition.dropPolicy
        self.live = live
    }

    init(running statistics: QueueStatistics) {
        name = statistics.name
        type = Int(statistics.type)
        metaType = statistics.metaType
        sensors = statistics.sensors.map { $0.uuidString.lowercased() }.sorted()
        capacity = statistics.capacity
        dropPolicy = statistics.dropPolicy.rawValue
        live = statistics
    }

    enum CodingKeys: String, CodingKey {
        case name, type, sensors, capacity, active, depth, enqueued, delivered, dropped, requeued, consumers, blocking
        case metaType = "meta_type"
        case dropPolicy = "drop_policy"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(metaType, forKey: .metaType)
        try container.encode(sensors, forKey: .sensors)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(dropPolicy, forKey: .dropPolicy)
        try container.encode(live != nil, forKey: .active)
        try container.encode(live?.depth, forKey: .depth)
        try container.encode(live?.enqueued, forKey: .enqueued)
        try container.encode(live?.delivered, forKey: .delivered)
        try container.encode(live?.dropped, forKey: .dropped)
        try container.encode(live?.requeued, forKey: .requeued)
        try container.encode(live?.consumers, forKey: .consumers)
        try container.encode(live?.blocking, forKey: .blocking)
    }
}
