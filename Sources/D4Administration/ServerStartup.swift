import D4Store
import Foundation

/// What `d4 server` does to its store before it admits anyone: settings given on the command line,
/// the first-start admin account, the queues of the built-in analyzers, the demo sensor.
public struct ServerStartup: Sendable {
    public let store: any D4Store

    public init(store: any D4Store) {
        self.store = store
    }

    /// Settings given at start (nil = keep the stored one). They are persisted, so that management
    /// commands and other nodes see them.
    public struct StartSettings: Sendable, Equatable {
        public var mode: ServerMode?
        public var defaultKey: Data?
        public var replayWindowSeconds: Int?

        public init(mode: ServerMode? = nil, defaultKey: Data? = nil, replayWindowSeconds: Int? = nil) {
            self.mode = mode
            self.defaultKey = defaultKey
            self.replayWindowSeconds = replayWindowSeconds
        }
    }

    /// The account made on first start: shown once, then only its hash is kept.
    public struct FirstAdmin: Sendable, Equatable {
        public var name: String
        public var oneTimePassword: String
    }

    /// What the queue reconciliation did.
    public struct QueueReconciliation: Sendable, Equatable {
        public var defined: [String] = []
        public var removed: [String] = []

        public init(defined: [String] = [], removed: [String] = []) {
            self.defined = defined
            self.removed = removed
        }
    }

    public static let firstAdminName = "admin"

    @discardableResult
    public func apply(_ settings: StartSettings) async throws -> ServerSettings {
        try await store.updateSettings { stored in
            if let mode = settings.mode { stored.mode = mode }
            if let key = settings.defaultKey { stored.defaultKey = key }
            if let window = settings.replayWindowSeconds { stored.replayWindowSeconds = window }
        }
    }

    /// When the store has no user at all: an `admin` with a random one-time password that must be
    /// changed at the first login. Nil when users exist.
    public func ensureAdminAccount() async throws -> FirstAdmin? {
        guard try await store.users().isEmpty else { return nil }
        let password = Self.oneTimePassword()
        try await store.addUser(name: Self.firstAdminName, password: password, role: "admin", mustChangePassword: true)
        return FirstAdmin(name: Self.firstAdminName, oneTimePassword: password)
    }

    /// Makes the store's built-in queues match the analyzers that run: `running` are defined (when
    /// missing), every other name of `reserved` is removed (without its consumer a queue would only
    /// hold frames in memory). User-defined queues are left alone.
    public func reconcileBuiltinQueues(running: [QueueDefinition], reserved: Set<String>) async throws -> QueueReconciliation {
        var result = QueueReconciliation()
        let defined = Set(try await store.queues().map(\.name))
        for queue in running where !defined.contains(queue.name) {
            try await store.defineQueue(queue)
            result.defined.append(queue.name)
        }
        let wanted = Set(running.map(\.name))
        for name in reserved.subtracting(wanted).sorted() where defined.contains(name) {
            try await store.removeQueue(name)
            result.removed.append(name)
        }
        return result
    }

    /// Registers (or re-registers) a sensor the server runs itself, approved with its key.
    public func registerBuiltinSensor(uuid: UUID, key: Data, description: String) async throws {
        try await store.upsertSensor(SensorRecord(uuid: uuid, key: key, state: .approved, description: description))
    }

    /// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 116 bits.
    static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0 ..< 20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
