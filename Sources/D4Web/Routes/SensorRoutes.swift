import D4Store
import Hummingbird

/// `GET /api/v1/sensors` and `GET /api/v1/sensors/{uuid}`.
public struct SensorRoutes: WebRoutes {
    public init() {}

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let store = environment.store
        api.get("sensors") { _, _ in
            SensorListResponse(sensors: try await store.sensors().map(SensorJSON.init(record:)))
        }
        api.get("sensors/{uuid}") { _, context in
            let uuid = try RequestParsing.uuid(context.parameters.get("uuid"), name: "sensor")
            guard let record = try await store.sensor(uuid) else {
                throw APIError.notFound("sensor \(uuid.uuidString.lowercased()) is not known to this server")
            }
            async let sources = store.sourceIPs(of: uuid)
            async let types = store.typesSeen(by: uuid)
            return SensorDetailResponse(sensor: SensorJSON(record: record),
                                        sourceIPs: try await sources.map(SourceIPJSON.init),
                                        typesSeen: try await types.map(TypeSeenJSON.init(seen:)))
        }
    }
}
