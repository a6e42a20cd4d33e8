import D4Results
import D4Store
import Foundation
import Hummingbird

/// `GET /api/v1/botnets?period=hour|day&since=&until=`: the botnet-capacity trend (distinct Mirai and
/// Netis sources, distinct scanners, top scanned ports) per UTC hour or day, oldest first.
public struct BotnetRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        api.get("botnets") { request, context in
            let query = try request.uri.decodeQuery(as: BotnetTrendQuery.self, context: context)
            let counts = try await store.botnetCounts(period: query.period, since: query.since, until: query.until)
            return BotnetTrendResponse(period: query.period.rawValue, counts: counts)
        }
    }
}

/// `{"period": "hour", "counts": [...]}`, each period in its one JSON form (`BotnetCountRecord`: the
/// fields of `d4 analyze --botnets` plus `node`, `complete` and `updated_at`).
struct BotnetTrendResponse: ResponseEncodable {
    let period: String
    let counts: [BotnetCountRecord]
}
