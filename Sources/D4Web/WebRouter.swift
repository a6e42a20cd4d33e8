import Hummingbird

/// Builds the one router every listener shares.
///
/// | route | auth |
/// |---|---|
/// | `GET /api/v1/health` | none |
/// | `GET /metrics` | none (Prometheus scrapes without credentials; bind to a trusted network) |
/// | everything else under `/api/v1` | HTTP Basic, see `BasicAuthMiddleware` |
enum WebRouter {
    static func make(environment: WebEnvironment, routes: [any WebRoutes], credentials: CredentialCache,
                     logins: LoginGuard) -> Router<WebRequestContext> {
        // HEAD is answered wherever GET is (headers only).
        let router = Router(context: WebRequestContext.self, options: .autoGenerateHeadEndpoints)
        let table = RouteTable()
        router.add(middleware: APIErrorMiddleware(routes: table))
        // Request counts and durations per route template, when the lead bootstrapped swift-metrics.
        router.add(middleware: MetricsMiddleware())
        router.get("/api/v1/health") { _, _ in HealthResponse(status: "ok") }
        router.get("/metrics") { _, _ in
            let text = environment.metrics.render(queues: environment.queues.statistics())
            return Response(status: .ok, headers: [.contentType: D4Metrics.contentType],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        let api = router.group("/api/v1").add(middleware: BasicAuthMiddleware(store: environment.store, cache: credentials, logins: logins))
        for set in routes {
            set.addRoutes(to: api, environment: environment)
        }
        table.load(router.routes)
        return router
    }
}

struct HealthResponse: ResponseEncodable {
    let status: String
}
