import D4Protocol
import D4Store
import Foundation

/// The analyzer queues defined in the store (a running server picks changes up within about a
/// second). Queues of built-in analyzers are reserved: defined and removed with their analyzer.
public struct QueueAdministration: Sendable {
    public let store: any D4Store
    /// Names of the built-in analyzers' queues.
    public let reservedNames: Set<String>

    public init(store: any D4Store, reservedNames: Set<String>) {
        self.store = store
        self.reservedNames = reservedNames
    }

    public func list() async throws -> [QueueDefinition] {
        try await store.queues()
    }

    /// Creates or replaces the queue `name`. `type` is a number or a name, `sensors` UUID texts
    /// (empty = every sensor); the store validates the rest (name, capacity, policy, meta type).
    public func define(name: String, type: String, metaType: String?, sensors: [String], capacity: Int,
                       dropPolicy: String) async throws -> QueueDefinition {
        guard !reservedNames.contains(name) else { throw AdministrationError.reservedQueue(name) }
        guard let frameType = FrameType(parsing: type) else {
            throw AdministrationError.invalidQueue("unknown type \"\(Printable.text(type, limit: 40))\": use a number 0…255 or one of \(FrameType.knownNames)")
        }
        let uuids = try sensors.map { text in
            guard let uuid = UUID(uuidString: text) else {
                throw AdministrationError.invalidQueue("\"\(Printable.text(text, limit: 60))\" is not a UUID")
            }
            return uuid
        }
        let definition = QueueDefinition(name: name, type: Int(frameType.rawValue), metaType: metaType, sensors: uuids,
                                         capacity: capacity, dropPolicy: dropPolicy)
        try await store.defineQueue(definition)
        return definition
    }

    public func remove(name: String) async throws {
        guard !reservedNames.contains(name) else { throw AdministrationError.reservedQueue(name) }
        try await store.removeQueue(name)
    }
}
