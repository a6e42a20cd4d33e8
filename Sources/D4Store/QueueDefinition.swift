import Foundation

/// An analyzer queue: frames of `type` (and `metaType` for 254) from `sensors` (empty = all sensors),
/// buffered up to `capacity` frames; `dropPolicy` says what happens when it is full.
public struct QueueDefinition: Codable, Sendable, Hashable {
    public var name: String
    public var type: Int
    public var metaType: String?
    public var sensors: [UUID]
    public var capacity: Int
    /// "block" (backpressure to the sensor), "drop-oldest" or "drop-newest".
    public var dropPolicy: String

    public init(name: String, type: Int, metaType: String? = nil, sensors: [UUID] = [], capacity: Int, dropPolicy: String = "block") {
        self.name = name
        self.type = type
        self.metaType = metaType
        self.sensors = sensors
        self.capacity = capacity
        self.dropPolicy = dropPolicy
    }

    public static let dropPolicies: Set<String> = ["block", "drop-oldest", "drop-newest"]
}
