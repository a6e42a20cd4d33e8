import D4Store
import Foundation
import Hummingbird

/// `GET /api/v1/statistics?day=YYYY-MM-DD&sensor=UUID`: the daily frame and byte counters of one UTC
/// day (today when `day` is absent), of one sensor or of all.
///
/// Each counter names its dimensions; `null` means "all": `{sensor: S, type: null, source_ip: null}`
/// is sensor S's total, `{sensor: null, type: 1}` the server-wide total of type 1,
/// `{sensor: S, source_ip: A}` S's traffic from address A.
public struct StatisticsRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        api.get("statistics") { request, _ in
            let query = request.uri.queryParameters
            let day = try query.get("day").map { try RequestParsing.day($0) } ?? UTCDay.label(Date())
            let sensor = try query.get("sensor").map { try RequestParsing.uuid($0, name: "sensor") }
            let counters = try await store.dailyCounters(day: day, sensor: sensor)
            return StatisticsResponse(day: RequestParsing.isoDay(day), sensor: sensor,
                                      counters: counters.map(DailyCounterJSON.init(counter:)))
        }
    }
}

struct StatisticsResponse: ResponseEncodable {
    let day: String
    let sensor: UUID?
    let counters: [DailyCounterJSON]

    enum CodingKeys: String, CodingKey {
        case day, sensor, counters
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(day, forKey: .day)
        try container.encode(sensor?.uuidString.lowercased(), forKey: .sensor)
        try container.encode(counters, forKey: .counters)
    }
}

struct DailyCounterJSON: Encodable, Sendable {
    let counter: DailyCounter

    enum CodingKeys: String, CodingKey {
        case day, sensor, type, frames, bytes
        case sourceIP = "source_ip"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RequestParsing.isoDay(counter.day), forKey: .day)
        try container.encode(counter.sensor?.uuidString.lowercased(), forKey: .sensor)
        try container.encode(counter.type, forKey: .type)
        try container.encode(counter.sourceIP, forKey: .sourceIP)
        try container.encode(counter.frames, forKey: .frames)
        try container.encode(counter.bytes, forKey: .bytes)
    }
}
