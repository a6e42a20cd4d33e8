import D4Results
import Foundation

/// `GET /api/v1/botnets?period=hour|day&since=&until=`.
struct BotnetTrendQuery: Decodable, Sendable {
    var period: BotnetPeriod
    var since: Date?
    var until: Date?

    enum CodingKeys: String, CodingKey { case period, since, until }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        period = try query.text(.period).map { text in
            guard let period = BotnetPeriod(rawValue: text) else { throw APIError.badRequest("period \"\(text)\": use hour or day") }
            return period
        } ?? .day
        since = try query.text(.since).map { try RequestParsing.time($0, name: "since") }
        until = try query.text(.until).map { try RequestParsing.time($0, name: "until") }
    }
}
