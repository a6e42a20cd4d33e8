import D4Results
import Foundation

/// The one store interface of the D4 server, implemented by `SQLiteStore` (module D4StoreSQLite) and by a
/// PostgreSQL store shared by several server nodes (to come). `StoreFactory` opens either from a location.
///
/// Contract for every implementation:
/// - No in-process state that another node would miss: every answer comes from the database.
/// - Statistics are additive: `apply(_:)` adds counters (`UPSERT … + excluded`), keeps the earliest
///   first-seen and latest last-seen, so batches from any number of nodes combine correctly.
/// - Keys are opaque bytes, stored and returned exactly (no escaping, no truncation), 1…1,024 bytes.
/// - Every input is validated; failures are `StoreError`s.
/// - `changeGeneration()` increases on every change that can alter admission or routing (settings,
///   sensor records, blocklist, queues) and on nothing else (statistics, errors and users leave it).
///
/// The server calls the store per connection and per statistics flush, never per frame.
public protocol D4Store: Sendable {
    // MARK: settings
    func settings() async throws -> ServerSettings
    /// Read-modify-write of the settings, atomic against concurrent writers on any node. `change` may
    /// run more than once (when another writer got in first), so it must only depend on its argument.
    func updateSettings(_ change: (inout ServerSettings) -> Void) async throws -> ServerSettings
    /// Server-wide facts plus every sensor record.
    func admissionFacts() async throws -> AdmissionFacts
    /// Server-wide facts plus only `uuid`'s record (if it has one): one cheap read per connection.
    func admissionFacts(for uuid: UUID) async throws -> AdmissionFacts

    // MARK: sensors
    func sensor(_ uuid: UUID) async throws -> SensorRecord?
    func sensors() async throws -> [SensorRecord]
    /// Creates or replaces the administrative fields of a record; seen times and the last error are
    /// kept when the record exists (they belong to the statistics).
    func upsertSensor(_ record: SensorRecord) async throws
    /// A sensor registers itself (REST API): creates it `pending` with `key`, or, if it exists and
    /// is still pending, replaces key, description and mail. Approved or blocked sensors cannot be
    /// re-registered (that would let anyone replace an approved sensor's key).
    func registerSensor(uuid: UUID, key: Data, description: String, contactMail: String) async throws -> SensorRecord
    /// The admin setters below create a `pending` record if the sensor has none (pre-provisioning).
    func setSensorState(_ uuid: UUID, _ state: SensorState) async throws
    func setSensorKey(_ uuid: UUID, _ key: Data?) async throws
    func setSensorMaxBacklog(_ uuid: UUID, _ limit: Int?) async throws
    func setBlockSourceIPs(_ uuid: UUID, _ on: Bool) async throws
    func kickSensor(_ uuid: UUID, until: Date) async throws
    /// The operator's description and contact mail of the sensor (validated like a registration's).
    func setSensorDescription(_ uuid: UUID, description: String, contactMail: String) async throws
    /// Throws `sensorNotFound` if there is no record.
    func removeSensor(_ uuid: UUID) async throws
    /// Records why a connection of `uuid` was refused: the sensor's last error (if it has a record)
    /// and an entry in the bounded admission-failure log (always).
    func recordSensorError(_ uuid: UUID, reason: String, at: Date) async throws
    /// Same, for refusals that may have no UUID yet (blocklisted IP, header timeout) or a known IP.
    func recordAdmissionFailure(sensor: UUID?, sourceIP: String?, reason: String, at: Date) async throws
    /// Newest first.
    func admissionFailures(limit: Int) async throws -> [AdmissionFailure]
    /// Newest first, at most 16.
    func sourceIPs(of uuid: UUID) async throws -> [SensorSourceIP]
    /// Ordered by type, then meta type.
    func typesSeen(by uuid: UUID) async throws -> [SensorTypeSeen]

    // MARK: blocklist
    /// Address or CIDR block; idempotent (an existing entry keeps its reason and time).
    func blockIP(_ ip: String, reason: String) async throws
    /// Throws `ipNotBlocked` if the entry does not exist.
    func unblockIP(_ ip: String) async throws
    func blockedIPs() async throws -> [BlockedIP]

    // MARK: statistics
    func apply(_ batch: StatisticsBatch) async throws
    /// Filtered by day and/or sensor (`nil` = any); ordered by day, sensor, type, source IP.
    func dailyCounters(day: String?, sensor: UUID?) async throws -> [DailyCounter]

    // MARK: users
    func addUser(name: String, password: String, role: String, mustChangePassword: Bool) async throws
    /// False for a wrong password or an unknown user (which costs the same time as a known one).
    func verifyPassword(name: String, password: String) async throws -> Bool
    /// Sets a new password and clears `mustChangePassword`.
    func setPassword(name: String, password: String) async throws
    func setMustChangePassword(name: String, _ on: Bool) async throws
    func setRole(name: String, role: String) async throws
    func removeUser(name: String) async throws
    func users() async throws -> [UserRecord]

    // MARK: queues
    /// Creates or replaces the queue of that name.
    func defineQueue(_ q: QueueDefinition) async throws
    /// Throws `queueNotFound` if there is no such queue.
    func removeQueue(_ name: String) async throws
    func queues() async throws -> [QueueDefinition]

    // MARK: analysis results (the built-in telescope analyzer)
    /// Creates or replaces attacks by `id`, in one transaction, all validated first. A closed attack is
    /// never reopened: an ongoing snapshot arriving after the closing one leaves the row as it is.
    func upsertAttacks(_ attacks: [AttackRecord]) async throws
    /// Filtered as `query` says; newest start first (ties by id).
    func attacks(_ query: AttackQuery) async throws -> [AttackRecord]
    func attack(id: String) async throws -> AttackRecord?
    /// Marks `node`'s ongoing attacks closed (an analyzer starting after a crash: nobody will close
    /// them otherwise); returns how many.
    func closeOngoingAttacks(node: String, at: Date) async throws -> Int
    /// Creates or replaces botnet counts by (period, start, node), in one transaction, all validated first.
    func upsertBotnetCounts(_ counts: [BotnetCountRecord]) async throws
    /// Periods whose start lies in `since…until` (nil = open), oldest first (ties by node).
    func botnetCounts(period: BotnetPeriod, since: Date?, until: Date?) async throws -> [BotnetCountRecord]

    // MARK: change notification
    func changeGeneration() async throws -> Int64

    // MARK: lifetime
    /// Releases the store's connections; later calls fail. Optional: dropping the store does it too.
    func close() async throws
}

extension D4Store {
    public func addUser(name: String, password: String, role: String) async throws {
        try await addUser(name: name, password: password, role: role, mustChangePassword: false)
    }
}
