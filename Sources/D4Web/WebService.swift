import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The web server as a swift-service-lifecycle `Service`: one Hummingbird listener per configured
/// address, all sharing one router. Runs until its `ServiceGroup` shuts down gracefully (listeners
/// stop accepting, queue streams end with their `ERR` line, open requests finish) or is cancelled.
///
/// Put it in a `ServiceGroup` beside other services, or use `WebServer.start` for a started server
/// with its bound addresses and a `shutdown()`.
public struct WebService: Service {
    public let environment: WebEnvironment
    public let routes: [any WebRoutes]
    let bindings: ListenerBindings
    let eventLoopGroup: any EventLoopGroup

    public init(environment: WebEnvironment, routes: [any WebRoutes] = WebRoutesCatalog.standard,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.environment = environment
        self.routes = routes
        self.eventLoopGroup = eventLoopGroup
        bindings = ListenerBindings(count: environment.configuration.listen.count)
    }

    /// The addresses the listeners bound, once all are listening (throws if the service failed first).
    public func boundAddresses() async throws -> [SocketAddress] {
        try await bindings.waitUntilBound()
    }

    public func run() async throws {
        do {
            try await serve()
            bindings.ended(error: nil)
        } catch {
            bindings.ended(error: error)
            throw error
        }
    }

    private func serve() async throws {
        let configuration = environment.configuration
        guard !configuration.listen.isEmpty else { throw WebServerError.noListenAddress }
        let credentials = CredentialCache(lifetime: configuration.credentialCacheLifetime,
                                          capacity: configuration.credentialCacheCapacity)
        let logins = LoginGuard(throttle: configuration.loginThrottle, concurrentChecks: configuration.concurrentPasswordChecks,
                                waitingChecks: configuration.waitingPasswordChecks, metrics: environment.metrics,
                                logger: environment.logger)
        let responder = WebRouter.make(environment: environment, routes: routes, credentials: credentials,
                                       logins: logins).buildResponder()
        let server = try Self.serverBuilder(transport: configuration.transport)
        let bindings = bindings
        try await withThrowingDiscardingTaskGroup { group in
            for (index, address) in configuration.listen.enumerated() {
                let application = Application(
                    responder: responder, server: server,
                    configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
                    onServerRunning: { channel in bindings.bound(index: index, address: channel.localAddress) },
                    eventLoopGroupProvider: .shared(eventLoopGroup), logger: environment.logger)
                group.addTask { try await application.run() }
            }
        }
    }

    /// HTTP/1.1 with a `WriteReceiptHandler` per connection, inside TLS unless plain HTTP was asked for.
    static func serverBuilder(transport: WebTransport) throws -> HTTPServerBuilder {
        let http = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [WriteReceiptHandler()]))
        switch transport {
        case .plainHTTP:
            return http
        case let .https(identity):
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: identity.certificateChain.map { .certificate($0) },
                privateKey: .privateKey(identity.privateKey))
            tls.minimumTLSVersion = .tlsv12
            tls.applicationProtocols = ["http/1.1"]
            // After our close_notify, wait at most this long for the client's (NIOSSL's default of 5 s
            // held every graceful shutdown up while idle keep-alive clients stayed silent).
            tls.shutdownTimeout = .seconds(1)
            do {
                return try .tls(http, tlsConfiguration: tls)
            } catch {
                throw WebServerError.tlsSetup("\(error)")
            }
        }
    }
}
