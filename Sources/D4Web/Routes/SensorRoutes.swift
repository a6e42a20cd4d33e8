import D4Administration
import D4Store
import Hummingbird

/// `GET /api/v1/sensors?state=` and `GET /api/v1/sensors/{uuid}?days=`: the registry, in the same JSON
/// as `d4 sensors list/show --json` (D4Administration's `SensorJSON` and `SensorDetailJSON`).
public struct SensorRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let sensors = SensorAdministration(store: environment.store)
        api.get("sensors") { request, context in
            let query = try request.uri.decodeQuery(as: SensorListQuery.self, context: context)
            return SensorListResponse(sensors: try await sensors.list(state: query.state).map(SensorJSON.init))
        }
        api.get("sensors/{uuid}") { request, context in
            let uuid = try RequestParsing.uuid(context.parameters.get("uuid"), name: "sensor")
            let query = try request.uri.decodeQuery(as: SensorDetailQuery.self, context: context)
            do {
                return JSONBody(SensorDetailJSON(try await sensors.detail(of: uuid, days: query.days)))
            } catch StoreError.sensorNotFound {
                throw APIError.notFound("sensor \(SensorAdministration.text(uuid)) is not known to this server")
            }
        }
    }
}

/// `{"sensors": [...]}`.
struct SensorListResponse: ResponseEncodable {
    let sensors: [SensorJSON]
}
