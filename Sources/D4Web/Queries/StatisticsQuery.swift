import D4Store
import Foundation

/// `GET /api/v1/statistics?day=YYYY-MM-DD&sensor=UUID`.
struct StatisticsQuery: Decodable, Sendable {
    /// The store's day label (`YYYYMMDD`); today (UTC) when absent.
    var day: String
    var sensor: UUID?

    enum CodingKeys: String, CodingKey { case day, sensor }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        day = try query.text(.day).map { try RequestParsing.day($0) } ?? UTCDay.label(Date())
        sensor = try query.text(.sensor).map { try RequestParsing.uuid($0, name: "sensor") }
    }
}
