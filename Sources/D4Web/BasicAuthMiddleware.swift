import D4Store
import Hummingbird

/// Requires HTTP Basic credentials of a store user on every route it guards.
///
/// - No or malformed credentials, unknown user or wrong password: 401 with `WWW-Authenticate`.
/// - A user who must change the password (the admin account's one-time password, or after an
///   operator's `d4 users passwd --force`) gets 403 telling how to set one: the API must not stay
///   usable with a password that was printed on a console.
/// Successful checks are cached briefly (`CredentialCache`); failed ones go through `LoginGuard`
/// (back-off, bounded hashing, a log line and a metric). Passwords are never logged.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let store: any D4Store
    let cache: CredentialCache
    let logins: LoginGuard

    static let challenge = #"Basic realm="D4", charset="UTF-8""#

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let credentials = BasicCredentials(authorization: request.headers[.authorization]) else {
            throw Self.unauthorized("this endpoint needs HTTP Basic credentials of a d4 user (curl -u USER)")
        }
        let user = try await authenticate(credentials, address: LoginGuard.address(of: context))
        if user.mustChangePassword {
            throw APIError(.forbidden, "user \"\(user.name)\" must set a new password first: run `d4 users passwd \(user.name)` on the server")
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }

    private func authenticate(_ credentials: BasicCredentials, address: String) async throws -> UserRecord {
        let key = CredentialCache.key(user: credentials.user, password: credentials.password)
        if let cached = cache.user(for: key) { return cached }
        let store = store
        let record = try await logins.authenticate(user: credentials.user, address: address) {
            guard try await store.verifyPassword(name: credentials.user, password: credentials.password) else { return nil }
            return try await store.users().first(where: { $0.name == credentials.user })
        }
        // Users who must change their password are not cached: the change must take effect at once.
        if !record.mustChangePassword { cache.remember(record, for: key) }
        return record
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, message, headers: [.wwwAuthenticate: challenge])
    }
}
