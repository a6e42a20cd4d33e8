import D4Basics
import D4Store
import Foundation

/// The sensor use cases of an administrator — list, show, approve, reject, block, unblock, kick, set
/// key, set limit, describe — over any store. Shared by the CLI (`d4 sensors …`), the REST API and
/// the web UI: each returns what it did, never prints.
///
/// Rules kept here, in one place:
/// - Setters on an unknown UUID pre-register it (a `pending` record), but only version-4 UUIDs: the
///   server would refuse any other, so a record of one is a mistake.
/// - Approving or unblocking clears "block the IPs it comes from"; `block` sets that flag exactly as
///   asked (a plain `block` after `block --block-ips` stops blocklisting its addresses).
/// - Only pending registrations can be rejected: reject blocks them (the UUID cannot register again
///   with another key) or removes them (it may register again).
/// - A running server polls the store's change generation and applies every change within about a
///   second, also to open connections.
public struct SensorAdministration: Sendable {
    public let store: any D4Store

    /// Longest kick: a week. Longer is a block.
    public static let maximumKickSeconds = 7 * 86_400
    /// Longest window of daily counters in a sensor's detail.
    public static let maximumDetailDays = 366

    public init(store: any D4Store) {
        self.store = store
    }

    /// Lower-case text of a UUID, as the reference and the store show them.
    public static func text(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }

    // MARK: reading

    /// Every sensor with a record, or those in `state`; in the store's order (by UUID).
    public func list(state: SensorState? = nil) async throws -> [SensorRecord] {
        try await store.sensors().filter { state == nil || $0.state == state }
    }

    /// Everything known of one sensor, with its daily counters of the last `days` days (today included).
    public func detail(of uuid: UUID, days: Int = 7, now: Date = Date()) async throws -> SensorDetail {
        guard (1...Self.maximumDetailDays).contains(days) else {
            throw StoreError.invalidInput("days \(days) is outside 1…\(Self.maximumDetailDays)")
        }
        let record = try await existing(uuid)
        let settings = try await store.settings()
        async let sourceIPs = store.sourceIPs(of: uuid)
        async let types = store.typesSeen(by: uuid)
        let firstDay = UTCDay.label(now.addingTimeInterval(-Double(days - 1) * 86_400))
        async let counters = store.dailyCounters(day: nil, sensor: uuid)
        return SensorDetail(record: record, defaultMaxBacklog: settings.defaultMaxBacklog, days: days, now: now,
                            sourceIPs: try await sourceIPs, typesSeen: try await types,
                            dailyCounters: try await counters.filter { $0.day >= firstDay })
    }

    // MARK: state

    /// Approves a pending registration or lifts a block (clearing "block its IPs"); pre-registers an
    /// unknown UUID as approved.
    public func approve(_ uuid: UUID) async throws -> SensorChange {
        let before = try await recordOrCreatable(uuid)
        if let before, before.state == .approved { return SensorChange(uuid: uuid, before: before, after: before) }
        if before?.blockSourceIPs == true { try await store.setBlockSourceIPs(uuid, false) }
        try await store.setSensorState(uuid, .approved)
        let mode = try await store.settings().mode
        return try await change(uuid, before: before,
                                notices: before == nil ? creationNotices(uuid, state: .approved, hasKey: false, mode: mode) : [])
    }

    /// Refuses a pending registration: blocks it (default) or removes its record (`remove`).
    public func reject(_ uuid: UUID, remove: Bool) async throws -> SensorChange {
        let before = try await existing(uuid)
        guard before.state == .pending else { throw AdministrationError.notPending(uuid, before.state) }
        if remove {
            try await store.removeSensor(uuid)
            return SensorChange(uuid: uuid, before: before, after: nil)
        }
        try await store.setSensorState(uuid, .blocked)
        return try await change(uuid, before: before)
    }

    /// Blocks the sensor; `blockSourceIPs` also blocklists every address it connects from.
    public func block(_ uuid: UUID, blockSourceIPs: Bool) async throws -> SensorChange {
        let before = try await recordOrCreatable(uuid)
        let flagChanges = (before?.blockSourceIPs ?? false) != blockSourceIPs
        var notices: [AdministrationNotice] = before == nil ? [.preRegistered(uuid, state: .blocked)] : []
        notices.append(.sourceIPsBlocklisted(blockSourceIPs))
        if let before, before.state == .blocked, !flagChanges {
            return SensorChange(uuid: uuid, before: before, after: before, notices: notices)
        }
        // The flag first: when the state turns blocked, the server must already see it.
        if flagChanges { try await store.setBlockSourceIPs(uuid, blockSourceIPs) }
        if before?.state != .blocked { try await store.setSensorState(uuid, .blocked) }
        return try await change(uuid, before: before, notices: notices)
    }

    /// Makes a blocked sensor approved again and clears "block its IPs". Addresses already on the IP
    /// blocklist stay there: the notice lists those of its recent addresses that are still refused.
    public func unblock(_ uuid: UUID) async throws -> SensorChange {
        let before = try await existing(uuid)
        guard before.state == .blocked || before.blockSourceIPs else {
            return SensorChange(uuid: uuid, before: before, after: before)
        }
        if before.blockSourceIPs { try await store.setBlockSourceIPs(uuid, false) }
        if before.state == .blocked { try await store.setSensorState(uuid, .approved) }
        let networks = try await store.blockedIPs().compactMap { IPNetwork($0.ip) }
        let stillBlocked = try await store.sourceIPs(of: uuid).map(\.ip).filter { ip in
            guard let address = IPAddress(ip)?.unmapped else { return false }
            return networks.contains { $0.contains(address) }
        }
        return try await change(uuid, before: before, notices: stillBlocked.isEmpty ? [] : [.stillOnBlocklist(stillBlocked)])
    }

    /// Closes the sensor's connections and refuses new ones until `now + seconds`.
    public func kick(_ uuid: UUID, seconds: Int, now: Date = Date()) async throws -> SensorChange {
        guard (1...Self.maximumKickSeconds).contains(seconds) else {
            throw AdministrationError.kickTooLong(seconds: seconds, limit: Self.maximumKickSeconds)
        }
        let before = try await existing(uuid)
        try await store.kickSensor(uuid, until: now.addingTimeInterval(TimeInterval(seconds)))
        return try await change(uuid, before: before)
    }

    // MARK: settings of one sensor

    /// Sets the sensor's own HMAC key, or (nil) removes it so that the server default key applies.
    public func setKey(_ uuid: UUID, _ key: Data?) async throws -> SensorChange {
        let before = try await recordOrCreatable(uuid)
        try await store.setSensorKey(uuid, key)
        let settings = try await store.settings()
        var notices: [AdministrationNotice] = []
        if key == nil, settings.defaultKey == nil { notices.append(.noDefaultKey) }
        if before == nil { notices += creationNotices(uuid, state: .pending, hasKey: key != nil, mode: settings.mode) }
        return try await change(uuid, before: before, notices: notices)
    }

    /// Sets the sensor's largest unconsumed backlog in frames, or (nil) the server default.
    public func setMaxBacklog(_ uuid: UUID, _ limit: Int?) async throws -> SensorChange {
        let before = try await recordOrCreatable(uuid)
        try await store.setSensorMaxBacklog(uuid, limit)
        let mode = try await store.settings().mode
        return try await change(uuid, before: before,
                                notices: before == nil ? creationNotices(uuid, state: .pending, hasKey: false, mode: mode) : [])
    }

    /// Sets what the operator knows of the sensor: a description and a contact mail (nil keeps one).
    public func describe(_ uuid: UUID, description: String?, contactMail: String?) async throws -> SensorChange {
        let before = try await recordOrCreatable(uuid)
        try await store.setSensorDescription(uuid, description: description ?? before?.description ?? "",
                                             contactMail: contactMail ?? before?.contactMail ?? "")
        let mode = try await store.settings().mode
        return try await change(uuid, before: before,
                                notices: before == nil ? creationNotices(uuid, state: .pending, hasKey: false, mode: mode) : [])
    }

    // MARK: steps

    /// The sensor's record, or nil when the store has none and the caller may create it.
    private func recordOrCreatable(_ uuid: UUID) async throws -> SensorRecord? {
        if let record = try await store.sensor(uuid) { return record }
        try Validation.checkUUIDVersion4(uuid)
        return nil
    }

    /// The sensor's record; a UUID the store does not know is an error.
    private func existing(_ uuid: UUID) async throws -> SensorRecord {
        guard let record = try await store.sensor(uuid) else { throw StoreError.sensorNotFound(uuid) }
        return record
    }

    private func change(_ uuid: UUID, before: SensorRecord?, notices: [AdministrationNotice] = []) async throws -> SensorChange {
        SensorChange(uuid: uuid, before: before, after: try await store.sensor(uuid), notices: notices)
    }

    /// What a pre-registered record still needs before the sensor can connect.
    private func creationNotices(_ uuid: UUID, state: SensorState, hasKey: Bool, mode: ServerMode) -> [AdministrationNotice] {
        var notices: [AdministrationNotice] = [.preRegistered(uuid, state: state)]
        if !hasKey { notices.append(.defaultKeyApplies(uuid)) }
        if mode == .registration && state == .pending { notices.append(.awaitsApproval(uuid)) }
        return notices
    }
}
