import D4Store
import Foundation
import Hummingbird

/// `GET /api/v1/attacks?since=&until=&victim=&ongoing=&limit=` (newest start first) and
/// `GET /api/v1/attacks/{id}`: the attacks the server's built-in analyzer found, live ones included.
/// Field names follow `d4 analyze --format json`.
public struct AttackRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        api.get("attacks") { request, _ in
            let query = request.uri.queryParameters
            let victim = try query.get("victim").map { text in
                guard let address = IPAddress(text) else {
                    throw APIError.badRequest("victim \"\(text)\" is not an IPv4 or IPv6 address")
                }
                return address.text
            }
            let ongoing = try query.get("ongoing").map { text -> Bool in
                switch text {
                case "true", "1": return true
                case "false", "0": return false
                default: throw APIError.badRequest("ongoing \"\(text)\": use true or false")
                }
            }
            let limit = try query.get("limit").map { text -> Int in
                guard let value = Int(text), (1...AttackQuery.maximumLimit).contains(value) else {
                    throw APIError.badRequest("limit \"\(text)\": use a number from 1 to \(AttackQuery.maximumLimit)")
                }
                return value
            } ?? 100
            let attacks = try await store.attacks(AttackQuery(
                since: try query.get("since").map { try RequestParsing.time($0, name: "since") },
                until: try query.get("until").map { try RequestParsing.time($0, name: "until") },
                victim: victim, ongoing: ongoing, limit: limit))
            return AttackListResponse(attacks: attacks.map(AttackJSON.init(record:)))
        }
        api.get("attacks/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let attack = try await store.attack(id: id) else {
                throw APIError.notFound("attack \"\(id)\" is not known to this server")
            }
            return AttackJSON(record: attack)
        }
    }
}

struct AttackListResponse: ResponseEncodable {
    let attacks: [AttackJSON]
}

struct AttackJSON: ResponseEncodable {
    let record: AttackRecord

    enum CodingKeys: String, CodingKey {
        case id, node, victim, start, end, ongoing, packets, bytes, ports, responses, protocols
        case ipProtocol = "protocol"
        case sensorAddresses = "sensor_addresses"
        case sensorAddressesEstimated = "sensor_addresses_estimated"
        case peakPPS = "peak_pps"
        case peakMinutePPS = "peak_minute_pps"
        case meanPPS = "mean_pps"
        case estimatedPPS = "estimated_pps"
        case estimatedPeakPPS = "estimated_peak_pps"
        case monitoredAddresses = "monitored_addresses"
        case monitoredShare = "monitored_share"
        case updatedAt = "updated_at"
    }

    enum PortKeys: String, CodingKey { case ipProtocol = "protocol", port, service, packets }
    enum ResponseKeys: String, CodingKey { case kind, packets }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let r = record
        try c.encode(r.id, forKey: .id)
        try c.encode(r.node, forKey: .node)
        try c.encode(r.victim, forKey: .victim)
        try c.encode(r.start, forKey: .start)
        try c.encode(r.end, forKey: .end)
        try c.encode(r.isOngoing, forKey: .ongoing)
        try c.encode(r.packets, forKey: .packets)
        try c.encode(r.bytes, forKey: .bytes)
        try c.encode(r.ipProtocol, forKey: .ipProtocol)
        try c.encode(r.protocols, forKey: .protocols)
        var ports = c.nestedUnkeyedContainer(forKey: .ports)
        for port in r.ports {
            var p = ports.nestedContainer(keyedBy: PortKeys.self)
            try p.encode(port.ipProtocol, forKey: .ipProtocol)
            try p.encode(port.port, forKey: .port)
            try p.encode(port.service, forKey: .service)
            try p.encode(port.packets, forKey: .packets)
        }
        var responses = c.nestedUnkeyedContainer(forKey: .responses)
        for response in r.responses {
            var e = responses.nestedContainer(keyedBy: ResponseKeys.self)
            try e.encode(response.kind, forKey: .kind)
            try e.encode(response.packets, forKey: .packets)
        }
        try c.encode(r.sensorAddresses, forKey: .sensorAddresses)
        try c.encode(r.sensorAddressesEstimated, forKey: .sensorAddressesEstimated)
        try c.encode(r.peakPacketsPerSecond, forKey: .peakPPS)
        try c.encode(r.peakMinuteRate, forKey: .peakMinutePPS)
        try c.encode(r.meanPacketsPerSecond, forKey: .meanPPS)
        try c.encode(r.estimatedPacketsPerSecond, forKey: .estimatedPPS)
        try c.encode(r.estimatedPeakPacketsPerSecond, forKey: .estimatedPeakPPS)
        try c.encode(r.monitoredAddresses, forKey: .monitoredAddresses)
        try c.encode(r.monitoredShare, forKey: .monitoredShare)
        try c.encode(r.updatedAt, forKey: .updatedAt)
    }
}
