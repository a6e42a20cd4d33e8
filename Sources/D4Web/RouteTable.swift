import Hummingbird
import NIOConcurrencyHelpers

/// The methods each route path answers, read from the router once its routes are added, so that a
/// request with a known path and another method is answered 405 with `Allow` (not 404).
final class RouteTable: Sendable {
    private let routes = NIOLockedValueBox<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    func load(_ descriptions: [Router<WebRequestContext>.RouteDescription]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in descriptions {
            byPath["\(route.path)", default: []].insert(route.method)
            // The router answers HEAD wherever it answers GET (`autoGenerateHeadEndpoints`).
            if route.method == .get { byPath["\(route.path)", default: []].insert(.head) }
        }
        routes.withLockedValue { routes in
            routes = byPath.map { (segments: Self.segments($0.key), methods: $0.value) }
        }
    }

    /// The methods of the route matching `path` (empty when none does), sorted for the header.
    func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let requested = Self.segments(path)
        let methods = routes.withLockedValue { routes in
            routes.first { Self.matches($0.segments, requested) }?.methods ?? []
        }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// `{name}` matches any one segment; everything else literally.
    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
    }
}
