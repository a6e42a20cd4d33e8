import D4Basics
import D4Results
import Foundation

/// `--format misp`: one MISP event per attack, in MISP's JSON event format ({"Event": {…}}) as
/// PyMISP's `MISPEvent().load()` reads it: the victim as an `ip-dst` attribute (the target of the
/// spoofed flood), its ports as `port` attributes, first_seen/last_seen on each attribute, counters
/// and rates in comments and a `text` summary; tags `tlp:clear` and `d4:attack-type="backscatter"`.
public enum MISPEventExport {
    public struct Options: Sendable, Hashable {
        /// Traffic Light Protocol tag; MISP's current taxonomy uses `tlp:clear` (formerly `tlp:white`).
        public var tlpTag: String
        /// Free text naming the source in the event info, e.g. the telescope's name.
        public var sensorName: String
        public var distribution: Int
        public var threatLevel: Int

        public init(tlpTag: String = "tlp:clear", sensorName: String = "D4 telescope", distribution: Int = 0,
                    threatLevel: Int = 3) {
            self.tlpTag = tlpTag; self.sensorName = sensorName; self.distribution = distribution
            self.threatLevel = threatLevel
        }
    }

    public static func document(for attack: Attack, options: Options = Options()) -> MISPEventDocument {
        let first = ISO8601Time.string(from: attack.start)
        let last = ISO8601Time.string(from: attack.end)
        let rate = attack.estimatedPacketsPerSecond.map {
            String(format: "%.0f", $0) + " pps estimated for the whole IPv4 space (\(attack.monitoredShareSource) share)"
        } ?? "no extrapolated rate"
        var attributes = [
            MISPAttribute(uuidSalt: attack.id + "victim", type: "ip-dst", category: "Network activity",
                          value: attack.victim,
                          comment: "victim of a spoofed-source DoS attack, seen through \(attack.packets) backscatter packets ("
                              + attack.responses.map { "\($0.kind) \($0.packets)" }.joined(separator: ", ") + ")",
                          firstSeen: first, lastSeen: last),
        ]
        for port in attack.ports.prefix(20) {
            attributes.append(MISPAttribute(
                uuidSalt: attack.id + "port\(port.ipProtocol)\(port.port)", type: "port", category: "Network activity",
                value: String(port.port),
                comment: "attacked \(port.ipProtocol) port" + (port.service.map { " (\($0))" } ?? "")
                    + ", \(port.packets) backscatter packets",
                firstSeen: first, lastSeen: last))
        }
        let summary = "Backscatter from \(attack.victim): \(attack.packets) packets, \(attack.bytes) bytes, "
            + "\(attack.sensorAddresses) sensor addresses, protocol \(attack.ipProtocol), "
            + String(format: "peak %.1f pps, mean %.2f pps; ", attack.peakPacketsPerSecond, attack.meanPacketsPerSecond)
            + rate + "."
        attributes.append(MISPAttribute(uuidSalt: attack.id + "summary", type: "text", category: "Other", value: summary,
                                        comment: "attack summary by D4 analyze", firstSeen: first, lastSeen: last))
        let event = MISPEvent(
            uuid: attack.id,
            info: "DDoS attack on \(attack.victim) (\(attack.ipProtocol)"
                + (attack.ports.first.map { " \($0.port)" + ($0.service.map { "/\($0)" } ?? "") } ?? "")
                + ") inferred from backscatter at \(options.sensorName)",
            date: ISO8601Time.dateString(from: attack.start),
            timestamp: String(Int64(attack.end.rounded(.down))),
            threatLevelID: String(options.threatLevel), analysis: attack.isOngoing ? "1" : "2",
            distribution: String(options.distribution), published: false,
            attributes: attributes,
            tags: [MISPTag(name: options.tlpTag), MISPTag(name: "d4:attack-type=\"backscatter\"")])
        return MISPEventDocument(event: event)
    }

    /// One event as JSON text (pretty-printed for a file of its own).
    public static func json(for attack: Attack, options: Options = Options(), pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document(for: attack, options: options)), as: UTF8.self)
    }
}

/// {"Event": {…}}: the wrapper MISP's API and PyMISP use.
public struct MISPEventDocument: Codable, Sendable, Hashable {
    public var event: MISPEvent
    enum CodingKeys: String, CodingKey { case event = "Event" }
}

public struct MISPEvent: Codable, Sendable, Hashable {
    public var uuid: String
    public var info: String
    public var date: String
    public var timestamp: String
    public var threatLevelID: String
    public var analysis: String
    public var distribution: String
    public var published: Bool
    public var attributes: [MISPAttribute]
    public var tags: [MISPTag]

    enum CodingKeys: String, CodingKey {
        case uuid, info, date, timestamp
        case threatLevelID = "threat_level_id"
        case analysis, distribution, published
        case attributes = "Attribute"
        case tags = "Tag"
    }
}

public struct MISPAttribute: Codable, Sendable, Hashable {
    public var uuid: String
    public var type: String
    public var category: String
    public var value: String
    public var comment: String
    public var toIDS: Bool
    public var firstSeen: String
    public var lastSeen: String

    init(uuidSalt: String, type: String, category: String, value: String, comment: String, firstSeen: String,
         lastSeen: String) {
        uuid = StableIdentifier.uuid(victim: .v4(0), start: 0, salt: uuidSalt)
        self.type = type; self.category = category; self.value = value; self.comment = comment
        toIDS = false
        self.firstSeen = firstSeen; self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case uuid, type, category, value, comment
        case toIDS = "to_ids"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

public struct MISPTag: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}
