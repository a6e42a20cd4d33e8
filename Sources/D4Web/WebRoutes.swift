import Hummingbird

/// One set of authenticated API routes. A new endpoint (e.g. attacks, botnets) is one file with a
/// type conforming to this protocol, listed in `WebRoutesCatalog.standard` or passed to `WebServer`.
public protocol WebRoutes: Sendable {
    /// Adds the routes to `api`, the group mounted at `/api/v1` behind Basic authentication.
    func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment)
}

/// The route sets of this version of the API.
public enum WebRoutesCatalog {
    public static let standard: [any WebRoutes] = [
        SensorRoutes(), StatisticsRoutes(), QueueRoutes(), QueueStreamRoutes(), AttackRoutes(), BotnetRoutes(),
    ]
}
