import Foundation

/// What an operator sees of one queue (CLI `d4 queue list`, the socket's `LIST`, later the web UI).
public struct QueueStatistics: Sendable, Codable, Equatable {
    public var name: String
    public var type: UInt8
    public var metaType: String?
    /// The sensor filter, sorted; empty = all sensors.
    public var sensors: [UUID]
    public var dropPolicy: DropPolicy
    public var capacity: Int
    /// Items waiting now (may exceed `capacity` by session-end markers and by items consumers gave back).
    public var depth: Int
    /// Items taken into the queue since the server started.
    public var enqueued: Int
    /// Items handed to consumers and not given back.
    public var delivered: Int
    /// Items lost by the drop policy (drop-newest refusals, drop-oldest evictions, evictions of an
    /// unconsumed block queue, and evictions when the capacity was lowered).
    public var dropped: Int
    /// Items a consumer gave back because its connection failed before the item was written.
    public var requeued: Int
    /// Connected consumers.
    public var consumers: Int
    /// True when this queue is holding ingest back right now (block policy, consumed, full).
    public var blocking: Bool

    public init(name: String, type: UInt8, metaType: String?, sensors: [UUID], dropPolicy: DropPolicy,
                capacity: Int, depth: Int, enqueued: Int, delivered: Int, dropped: Int, requeued: Int,
                consumers: Int, blocking: Bool) {
        self.name = name
        self.type = type
        self.metaType = metaType
        self.sensors = sensors
        self.dropPolicy = dropPolicy
        self.capacity = capacity
        self.depth = depth
        self.enqueued = enqueued
        self.delivered = delivered
        self.dropped = dropped
        self.requeued = requeued
        self.consumers = consumers
        self.blocking = blocking
    }

    enum CodingKeys: String, CodingKey {
        case name, type, sensors, capacity, depth, enqueued, delivered, dropped, requeued, consumers, blocking
        case metaType = "meta_type"
        case dropPolicy = "drop_policy"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(UInt8.self, forKey: .type)
        metaType = try container.decodeIfPresent(String.self, forKey: .metaType)
        sensors = try container.decode([UUID].self, forKey: .sensors)
        dropPolicy = try container.decode(DropPolicy.self, forKey: .dropPolicy)
        capacity = try container.decode(Int.self, forKey: .capacity)
        depth = try container.decode(Int.self, forKey: .depth)
        enqueued = try container.decode(Int.self, forKey: .enqueued)
        delivered = try container.decode(Int.self, forKey: .delivered)
        dropped = try container.decode(Int.self, forKey: .dropped)
        requeued = try container.decode(Int.self, forKey: .requeued)
        consumers = try container.decode(Int.self, forKey: .consumers)
        blocking = try container.decode(Bool.self, forKey: .blocking)
    }

    /// Sensor UUIDs in lowercase, as D4 writes them everywhere else; a missing meta type as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(metaType, forKey: .metaType)
        try container.encode(sensors.map { $0.uuidString.lowercased() }, forKey: .sensors)
        try container.encode(dropPolicy, forKey: .dropPolicy)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(depth, forKey: .depth)
        try container.encode(enqueued, forKey: .enqueued)
        try container.encode(delivered, forKey: .delivered)
        try container.encode(dropped, forKey: .dropped)
        try container.encode(requeued, forKey: .requeued)
        try container.encode(consumers, forKey: .consumers)
        try container.encode(blocking, forKey: .blocking)
    }
}
