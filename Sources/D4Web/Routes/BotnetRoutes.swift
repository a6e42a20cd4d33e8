import D4Store
import Foundation
import Hummingbird

/// `GET /api/v1/botnets?period=hour|day&since=&until=`: the botnet-capacity trend (distinct Mirai and
/// Netis sources, distinct scanners, top scanned ports) per UTC hour or day, oldest first.
public struct BotnetRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        api.get("botnets") { request, _ in
            let query = request.uri.queryParameters
            let period = try query.get("period").map { text in
                guard let period = BotnetPeriod(rawValue: text) else {
                    throw APIError.badRequest("period \"\(text)\": use hour or day")
                }
                return period
            } ?? .day
            let counts = try await store.botnetCounts(
                period: period,
                since: try query.get("since").map { try RequestParsing.time($0, name: "since") },
                until: try query.get("until").map { try RequestParsing.time($0, name: "until") })
            return BotnetTrendResponse(period: period.rawValue, counts: counts.map(BotnetCountJSON.init(record:)))
        }
    }
}

struct BotnetTrendResponse: ResponseEncodable {
    let period: String
    let counts: [BotnetCountJSON]
}

struct BotnetCountJSON: Encodable, Sendable {
    let record: BotnetCountRecord

    enum CodingKeys: String, CodingKey {
        case period, start, node, truncated, complete
        case miraiSources = "mirai_sources"
        case miraiPackets = "mirai_packets"
        case netisSources = "netis_sources"
        case netisPackets = "netis_packets"
        case scannerSources = "scanner_sources"
        case scanPackets = "scan_packets"
        case topPorts = "top_ports"
        case updatedAt = "updated_at"
    }

    enum PortKeys: String, CodingKey { case ipProtocol = "protocol", port, service, sources, packets }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let r = record
        try c.encode(r.period.rawValue, forKey: .period)
        try c.encode(r.start, forKey: .start)
        try c.encode(r.node, forKey: .node)
        try c.encode(r.miraiSources, forKey: .miraiSources)
        try c.encode(r.miraiPackets, forKey: .miraiPackets)
        try c.encode(r.netisSources, forKey: .netisSources)
        try c.encode(r.netisPackets, forKey: .netisPackets)
        try c.encode(r.scannerSources, forKey: .scannerSources)
        try c.encode(r.scanPackets, forKey: .scanPackets)
        var ports = c.nestedUnkeyedContainer(forKey: .topPorts)
        for port in r.topPorts {
            var p = ports.nestedContainer(keyedBy: PortKeys.self)
            try p.encode(port.ipProtocol, forKey: .ipProtocol)
            try p.encode(port.port, forKey: .port)
            try p.encode(port.service, forKey: .service)
            try p.encode(port.sources, forKey: .sources)
            try p.encode(port.packets, forKey: .packets)
        }
        try c.encode(r.truncated, forKey: .truncated)
        try c.encode(r.isComplete, forKey: .complete)
        try c.encode(r.updatedAt, forKey: .updatedAt)
    }
}
