import D4Basics

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
