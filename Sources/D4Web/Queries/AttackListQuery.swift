import D4Basics
import D4Store
import Foundation

/// `GET /api/v1/attacks?since=&until=&victim=&ongoing=&limit=`.
struct AttackListQuery: Decodable, Sendable {
    var since: Date?
    var until: Date?
    /// Canonical text of the victim address.
    var victim: String?
    var ongoing: Bool?
    var limit: Int

    static let defaultLimit = 100

    enum CodingKeys: String, CodingKey { case since, until, victim, ongoing, limit }

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        since = try query.text(.since).map { try RequestParsing.time($0, name: "since") }
        until = try query.text(.until).map { try RequestParsing.time($0, name: "until") }
        victim = try query.text(.victim).map { text in
            guard let address = IPAddress(text)?.unmapped else {
                throw APIError.badRequest("victim \"\(text)\" is not an IPv4 or IPv6 address")
            }
            return address.description
        }
        ongoing = try query.flag(.ongoing)
        limit = try query.number(.limit, in: 1...AttackQuery.maximumLimit) ?? Self.defaultLimit
    }

    var storeQuery: AttackQuery {
        AttackQuery(since: since, until: until, victim: victim, ongoing: ongoing, limit: limit)
    }
}
