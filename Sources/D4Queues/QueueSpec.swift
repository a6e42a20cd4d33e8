import Foundation

/// One named analyzer queue: frames of `type` (and, for type 254, of `metaType`) from `sensors` (empty =
/// every sensor), holding at most `capacity` frames. Mirrors the store's `QueueDefinition`.
public struct QueueSpec: Sendable, Hashable, Codable {
    public var name: String
    public var type: UInt8
    /// Only frames whose meta header announced this type (type 254); nil = any.
    public var metaType: String?
    /// Only frames from these sensors; empty = all sensors.
    public var sensors: Set<UUID>
    /// Most frames held; values below 1 are treated as 1 (the store refuses them anyway).
    public var capacity: Int
    public var dropPolicy: DropPolicy

    public init(name: String, type: UInt8, metaType: String? = nil, sensors: Set<UUID> = [],
                capacity: Int, dropPolicy: DropPolicy = .block) {
        self.name = name
        self.type = type
        self.metaType = metaType
        self.sensors = sensors
        self.capacity = capacity
        self.dropPolicy = dropPolicy
    }

    /// The capacity actually enforced.
    var effectiveCapacity: Int { max(1, capacity) }

    /// Whether a frame with these properties belongs in this queue. `type` is checked by the hub's
    /// routing table before this is called.
    func accepts(sensor: UUID, metaType itemMetaType: String?) -> Bool {
        if let metaType, metaType != itemMetaType { return false }
        return sensors.isEmpty || sensors.contains(sensor)
    }

    /// Whether this queue's filter can take frames of `sensor` and `type` with some meta type: used by
    /// `waitForSpace(sensor:type:)`, which does not know the meta type and so waits conservatively.
    func mayAccept(sensor: UUID, type: UInt8) -> Bool {
        self.type == type && (sensors.isEmpty || sensors.contains(sensor))
    }
}
