import D4Protocol
import D4Store
import Foundation

/// Which frame types the server accepts (the settings' accepted types).
public struct TypeAdministration: Sendable {
    public let store: any D4Store

    public init(store: any D4Store) {
        self.store = store
    }

    /// What `accept` or `refuse` did.
    public struct Change: Sendable, Equatable {
        /// Types whose state changed.
        public var changed: Set<UInt8>
        /// Types that were already as asked.
        public var unchanged: Set<UInt8>
        /// Accepted after the change.
        public var accepted: Set<UInt8>
        public var notices: [AdministrationNotice]
    }

    /// One row of `list`: every named type, and numbers without a name that are accepted.
    public struct Entry: Sendable, Equatable, Encodable {
        public var type: Int
        public var name: String?
        public var accepted: Bool

        public init(type: Int, name: String?, accepted: Bool) {
            self.type = type
            self.name = name
            self.accepted = accepted
        }
    }

    public func accept(_ types: Set<UInt8>) async throws -> Change {
        let before = try await store.settings().acceptedTypes
        let after = try await store.updateSettings { $0.acceptedTypes.formUnion(types) }.acceptedTypes
        return Change(changed: types.subtracting(before), unchanged: types.intersection(before), accepted: after,
                      notices: Self.notices(after))
    }

    public func refuse(_ types: Set<UInt8>) async throws -> Change {
        let before = try await store.settings().acceptedTypes
        let after = try await store.updateSettings { $0.acceptedTypes.subtract(types) }.acceptedTypes
        return Change(changed: types.intersection(before), unchanged: types.subtracting(before), accepted: after,
                      notices: (after.isEmpty ? [.noTypeAccepted] : []) + Self.notices(after))
    }

    public func list() async throws -> (entries: [Entry], notices: [AdministrationNotice]) {
        let accepted = try await store.settings().acceptedTypes
        let known = (UInt8.min...UInt8.max).map(FrameType.init(_:)).filter { $0.name != nil }
        let others = accepted.map(FrameType.init(_:)).filter { $0.name == nil }.sorted()
        let entries = (known + others).map { Entry(type: Int($0.rawValue), name: $0.name, accepted: accepted.contains($0.rawValue)) }
        return (entries, Self.notices(accepted))
    }

    /// Type 254 frames must follow a type-2 meta header on the same connection: accepting one without
    /// the other is almost always a mistake, so it is pointed out.
    static func notices(_ accepted: Set<UInt8>) -> [AdministrationNotice] {
        let extended = FrameType.extended.rawValue, meta = FrameType.metaHeader.rawValue
        if accepted.contains(extended) && !accepted.contains(meta) { return [.typePairing(.extendedWithoutMetaHeader)] }
        if accepted.contains(meta) && !accepted.contains(extended) { return [.typePairing(.metaHeaderWithoutExtended)] }
        return []
    }
}
