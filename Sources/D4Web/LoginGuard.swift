import D4Administration
import D4Basics
import D4Store
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// Checks API logins without letting guessers burn the machine: the `LoginThrottle` rules (back-off
/// per source address and per user name), a `PasswordCheckGate` bounding concurrent hash checks,
/// a log line (user, address) and a metric for every failed login. Successful checks are reused
/// from the `CredentialCache` without touching either.
final class LoginGuard: Sendable {
    private let throttle: NIOLockedValueBox<LoginThrottle>
    private let gate: PasswordCheckGate
    private let metrics: D4Metrics
    private let logger: Logger

    init(throttle: LoginThrottle.Configuration = .init(), concurrentChecks: Int, waitingChecks: Int,
         metrics: D4Metrics, logger: Logger) {
        self.throttle = NIOLockedValueBox(LoginThrottle(configuration: throttle))
        gate = PasswordCheckGate(concurrent: concurrentChecks, waiting: waitingChecks)
        self.metrics = metrics
        self.logger = logger
    }

    /// The user `verify` returns for the credentials, or an API error: 401 for a wrong password,
    /// 429 while the address or the name is backing off, 503 when too many checks are queued.
    func authenticate(user: String, address: String, now: ContinuousClock.Instant = .now,
                      verify: @Sendable () async throws -> UserRecord?) async throws -> UserRecord {
        if case .refuse(let wait, let subject) = throttle.withLockedValue({ $0.decide(address: address, user: user, now: now) }) {
            metrics.recordLoginThrottled()
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            let who = subject == .address ? "from this address" : "for this user"
            throw APIError(.tooManyRequests, "too many failed logins \(who): retry in \(seconds) s",
                           headers: [.retryAfter: String(seconds)])
        }
        guard let outcome = try await gate.run(verify) else {
            metrics.recordLoginThrottled()
            throw APIError(.serviceUnavailable, "too many logins are being checked at once: retry in a few seconds",
                           headers: [.retryAfter: "2"])
        }
        guard let record = outcome else {
            throttle.withLockedValue { $0.failed(address: address, user: user, now: .now) }
            metrics.recordLoginFailure()
            logger.notice("failed API login", metadata: ["user": "\(Printable.text(user, limit: 64))", "ip": "\(address)"])
            throw BasicAuthMiddleware.unauthorized("wrong user name or password")
        }
        throttle.withLockedValue { $0.succeeded(address: address, user: user) }
        return record
    }

    /// The client's address as the throttle counts it (IPv4-mapped IPv6 as IPv4).
    static func address(of context: WebRequestContext) -> String {
        guard let text = context.channel.remoteAddress?.ipAddress else { return "unknown" }
        return IPAddress(text)?.unmapped.description ?? text
    }
}
