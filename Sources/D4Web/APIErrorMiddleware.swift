import D4Store
import Hummingbird
import Logging

/// Turns every failure into a JSON `{"error": ...}` answer: our `APIError`s keep their status,
/// Hummingbird's own errors (unknown route → 404, unknown method → 405) theirs, and anything else is
/// logged and answered 500 without internals.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    /// For 405: which methods a known path answers.
    let routes: RouteTable

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return APIError.jsonResponse(status: .notFound, message: error.body ?? Self.defaultMessage(for: .notFound, path: request.uri.path))
            }
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            return APIError.jsonResponse(status: .methodNotAllowed, message: "\(request.method.rawValue) is not allowed on \(request.uri.path): use \(list)",
                                         headers: [.allow: list])
        } catch let error as StoreError {
            // A value the store refuses is the request's fault; anything else is the server's.
            guard case .invalidInput(let why) = error else { throw error }
            return APIError.jsonResponse(status: .badRequest, message: why)
        } catch let error as HTTPError {
            let message = error.body ?? Self.defaultMessage(for: error.status, path: request.uri.path)
            return APIError.jsonResponse(status: error.status, message: message, headers: error.headers)
        } catch {
            context.logger.error("web request \(request.method) \(request.uri.path) failed: \(error)")
            return APIError.jsonResponse(status: .internalServerError,
                                         message: "internal error while answering \(request.uri.path); see the server log")
        }
    }

    private static func defaultMessage(for status: HTTPResponse.Status, path: String) -> String {
        switch status {
        case .notFound: "no such endpoint: \(path) (the API lives under /api/v1)"
        case .methodNotAllowed: "method not allowed on \(path)"
        default: status.reasonPhrase
        }
    }
}
