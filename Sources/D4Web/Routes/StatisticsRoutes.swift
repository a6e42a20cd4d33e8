import D4Administration
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
        api.get("statistics") { request, context in
            let query = try request.uri.decodeQuery(as: StatisticsQuery.self, context: context)
            let counters = try await store.dailyCounters(day: query.day, sensor: query.sensor)
            return StatisticsResponse(day: UTCDay.isoDate(query.day), sensor: query.sensor,
                                      counters: counters.map(DailyCounterJSON.init))
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
