import D4Queues

/// `GET /api/v1/queues/{name}/stream?format=ndjson|raw` (default ndjson).
struct QueueStreamQuery: Decodable, Sendable {
    var format: QueueStreamFormat

    enum CodingKeys: String, CodingKey { case format }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        format = try query.text(.format).map { text in
            guard let format = QueueStreamFormat(rawValue: text) else {
                let choices = QueueStreamFormat.allCases.map(\.rawValue).joined(separator: " or ")
                throw APIError.badRequest("format \"\(text)\" is unknown; use \(choices)")
            }
            return format
        } ?? .ndjson
    }
}
