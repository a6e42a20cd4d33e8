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
        api.get("attacks") { request, context in
            let query = try request.uri.decodeQuery(as: AttackListQuery.self, context: context)
            return AttackListResponse(attacks: try await store.attacks(query.storeQuery))
        }
        api.get("attacks/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let attack = try await store.attack(id: id) else {
                throw APIError.notFound("attack \"\(id)\" is not known to this server")
            }
            return JSONBody(attack)
        }
    }
}

/// `{"attacks": [...]}`, each attack in its one JSON form (`AttackRecord`: the fields of `d4 analyze
/// --format json` plus `node` and `updated_at`).
struct AttackListResponse: ResponseEncodable {
    let attacks: [AttackRecord]
}
