import D4Administration
import D4Store

/// `GET /api/v1/sensors?state=pending|approved|blocked`.
struct SensorListQuery: Decodable, Sendable {
    var state: SensorState?

    enum CodingKeys: String, CodingKey { case state }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        state = try query.text(.state).map { text in
            guard let state = SensorState(rawValue: text) else {
                throw APIError.badRequest("state \"\(text)\": use pending, approved or blocked")
            }
            return state
        }
    }
}

/// `GET /api/v1/sensors/{uuid}?days=N`: daily counters of the last N days (default 7).
struct SensorDetailQuery: Decodable, Sendable {
    var days: Int

    enum CodingKeys: String, CodingKey { case days }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        days = try query.number(.days, in: 1...SensorAdministration.maximumDetailDays) ?? 7
    }
}
