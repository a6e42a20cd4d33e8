import D4Basics
import D4Results
import Foundation

/// Checks of the analyzer's results, shared by every store implementation: a bad value is refused with
/// a message naming it, before anything is written (NaN or infinite rates would not survive a REAL
/// column, negative counts mean a bug upstream).
extension Validation {
    public static let maxAttackListEntries = 1_024
    public static let maxNodeNameLength = 64

    /// Returns the record with its victim in canonical text.
    public static func checkAttack(_ attack: AttackRecord) throws(StoreError) -> AttackRecord {
        try checkName(attack.id, what: "attack id", maxLength: 64)
        try checkNode(attack.node)
        var checked = attack
        guard let victim = IPAddress(attack.victim)?.unmapped else {
            throw .invalidInput("attack \(attack.id): victim \"\(printable(attack.victim))\" is not an IPv4/IPv6 address")
        }
        checked.victim = victim.description
        let what = "attack \(attack.id)"
        try checkTime(seconds: attack.start, "\(what): start")
        try checkTime(seconds: attack.end, "\(what): end")
        guard attack.end >= attack.start else { throw .invalidInput("\(what): end is before start") }
        try checkTime(attack.updatedAt, "\(what): updated-at")
        try checkCount(attack.packets, "\(what): packets")
        try checkCount(attack.bytes, "\(what): bytes")
        try checkCount(attack.sensorAddresses, "\(what): sensor addresses")
        try checkLabel(attack.ipProtocol, "\(what): protocol")
        try checkLabel(attack.monitoredShareSource, "\(what): monitored share")
        guard attack.protocols.count <= maxAttackListEntries, attack.ports.count <= maxAttackListEntries,
              attack.responses.count <= maxAttackListEntries else {
            throw .invalidInput("\(what): more than \(maxAttackListEntries) protocols, ports or responses")
        }
        for name in attack.protocols { try checkLabel(name, "\(what): protocol") }
        for port in attack.ports {
            try checkLabel(port.ipProtocol, "\(what): port protocol")
            if let service = port.service { try checkLabel(service, "\(what): service") }
            try checkCount(port.packets, "\(what): packets of port \(port.port)")
        }
        for response in attack.responses {
            try checkLabel(response.kind, "\(what): response kind")
            try checkCount(response.packets, "\(what): packets of response \(response.kind)")
        }
        try checkRate(attack.peakPacketsPerSecond, "\(what): peak pps")
        try checkRate(attack.peakMinuteRate, "\(what): peak minute pps")
        try checkRate(attack.meanPacketsPerSecond, "\(what): mean pps")
        if let rate = attack.estimatedPacketsPerSecond { try checkRate(rate, "\(what): estimated pps") }
        if let rate = attack.estimatedPeakPacketsPerSecond { try checkRate(rate, "\(what): estimated peak pps") }
        if let addresses = attack.monitoredAddresses, addresses == 0 {
            throw .invalidInput("\(what): monitored addresses \(addresses) must be at least 1")
        }
        return checked
    }

    public static func checkBotnetCount(_ count: BotnetCountRecord) throws(StoreError) {
        let what = "botnet count of the \(count.period.rawValue) at \(count.start)"
        try checkNode(count.node)
        try checkTime(seconds: count.start, what)
        try checkTime(count.updatedAt, "\(what): updated-at")
        let seconds = count.start
        guard seconds.truncatingRemainder(dividingBy: count.period.seconds) == 0 else {
            throw .invalidInput("\(what): start is not a whole UTC \(count.period.rawValue)")
        }
        for (value, field) in [(count.miraiSources, "Mirai sources"), (count.miraiPackets, "Mirai packets"),
                               (count.netisSources, "Netis sources"), (count.netisPackets, "Netis packets"),
                               (count.scannerSources, "scanner sources"), (count.scanPackets, "scan packets")] {
            try checkCount(value, "\(what): \(field)")
        }
        guard count.topPorts.count <= maxAttackListEntries else {
            throw .invalidInput("\(what): more than \(maxAttackListEntries) top ports")
        }
        for port in count.topPorts {
            try checkLabel(port.ipProtocol, "\(what): port protocol")
            if let service = port.service { try checkLabel(service, "\(what): service") }
            try checkCount(port.sources, "\(what): sources of port \(port.port)")
            try checkCount(port.packets, "\(what): packets of port \(port.port)")
        }
    }

    /// "" (a single server) or a name of A-Z a-z 0-9 . _ -.
    public static func checkNode(_ node: String) throws(StoreError) {
        guard !node.isEmpty else { return }
        try checkName(node, what: "node name", maxLength: maxNodeNameLength)
    }

    public static func checkAttackQuery(_ query: AttackQuery) throws(StoreError) -> AttackQuery {
        guard (1...AttackQuery.maximumLimit).contains(query.limit) else {
            throw .invalidInput("limit \(query.limit) is outside 1…\(AttackQuery.maximumLimit)")
        }
        var checked = query
        if let victim = query.victim {
            guard let address = IPAddress(victim)?.unmapped else {
                throw .invalidInput("victim \"\(printable(victim))\" is not an IPv4/IPv6 address")
            }
            checked.victim = address.description
        }
        if let since = query.since { try checkTime(since, "since") }
        if let until = query.until { try checkTime(until, "until") }
        return checked
    }

    package static func checkTime(_ date: Date, _ what: String) throws(StoreError) {
        try checkTime(seconds: date.timeIntervalSince1970, what)
    }

    package static func checkTime(seconds: Double, _ what: String) throws(StoreError) {
        guard seconds.isFinite, abs(seconds) < 1e12 else { throw .invalidInput("\(what): \(seconds) is not a usable time") }
    }

    private static func checkCount(_ value: Int, _ what: String) throws(StoreError) {
        guard value >= 0 else { throw .invalidInput("\(what) is \(value); counts cannot be negative") }
    }

    private static func checkRate(_ value: Double, _ what: String) throws(StoreError) {
        guard value.isFinite, value >= 0 else { throw .invalidInput("\(what) is \(value); rates are finite and not negative") }
    }

    /// Short printable words: protocol names, service names, response kinds.
    private static func checkLabel(_ text: String, _ what: String) throws(StoreError) {
        guard (1...64).contains(text.utf8.count),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidInput("\(what) \"\(printable(text))\" is invalid: use 1…64 bytes without control characters")
        }
    }
}
