import D4Queues
import D4Store

extension QueueSpec {
    /// The hub's view of a queue the store defines; nil (and skipped) for a definition it cannot use.
    public init?(definition: QueueDefinition) {
        guard let type = UInt8(exactly: definition.type), let policy = DropPolicy(rawValue: definition.dropPolicy) else { return nil }
        self.init(name: definition.name, type: type, metaType: definition.metaType, sensors: Set(definition.sensors),
                  capacity: definition.capacity, dropPolicy: policy)
    }
}
