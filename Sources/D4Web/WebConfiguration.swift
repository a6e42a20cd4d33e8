import D4Basics
import Foundation

/// Where and how the web server listens, and how long it trusts a verified password.
public struct WebConfiguration: Sendable {
    /// One listener per address (`--web-listen`).
    public var listen: [ListenAddress]
    public var transport: WebTransport
    /// How long a successful password check is reused (PBKDF2 costs tenths of a second by design).
    public var credentialCacheLifetime: Duration
    /// Most credentials remembered at once; the oldest is forgotten first.
    public var credentialCacheCapacity: Int
    /// Most items taken from a queue and written per chunk round of a stream.
    public var streamBatchSize: Int
    /// Back-off after failed logins, per source address and per user name.
    var loginThrottle = LoginThrottle.Configuration()
    /// Password hashes computed at once (PBKDF2 takes a core for tenths of a second), and how many
    /// more may wait; further logins get 503 at once.
    public var concurrentPasswordChecks = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    public var waitingPasswordChecks = 16

    public init(listen: [ListenAddress] = [.webDefault], transport: WebTransport,
                credentialCacheLifetime: Duration = .seconds(60), credentialCacheCapacity: Int = 1_024,
                streamBatchSize: Int = 64) {
        self.listen = listen
        self.transport = transport
        self.credentialCacheLifetime = credentialCacheLifetime
        self.credentialCacheCapacity = credentialCacheCapacity
        self.streamBatchSize = streamBatchSize
    }
}

extension ListenAddress {
    /// `[::]:7000`: every IPv4 and IPv6 interface (Linux binds `::` dual-stack).
    public static let webDefault = ListenAddress(host: "::", port: 7000)
}
