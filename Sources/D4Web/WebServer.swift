import D4Queues
import D4Store
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A started web server: `start` returns once every listener is bound (so the caller can print the
/// addresses), `shutdown` stops it gracefully. Wraps a `WebService` in its own `ServiceGroup`; callers
/// that run a `ServiceGroup` already can add `WebService` to theirs instead.
public final class WebServer: Sendable {
    /// Where the listeners are bound, in configuration order (real ports when 0 was asked for).
    public let boundAddresses: [SocketAddress]
    private let group: ServiceGroup
    private let task: Task<Void, Never>
    private let logger: Logger

    private init(boundAddresses: [SocketAddress], group: ServiceGroup, task: Task<Void, Never>, logger: Logger) {
        self.boundAddresses = boundAddresses
        self.group = group
        self.task = task
        self.logger = logger
    }

    /// Starts listening on every address of `configuration`; throws if any cannot be bound.
    public static func start(configuration: WebConfiguration, store: any D4Store, queues: QueueHub,
                             metrics: D4Metrics, logger: Logger, routes: [any WebRoutes] = WebRoutesCatalog.standard,
                             eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> WebServer {
        let environment = WebEnvironment(store: store, queues: queues, metrics: metrics,
                                         configuration: configuration, logger: logger)
        let service = WebService(environment: environment, routes: routes, eventLoopGroup: eventLoopGroup)
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                logger.error("web server stopped: \(error)")
            }
        }
        do {
            let addresses = try await service.boundAddresses()
            return WebServer(boundAddresses: addresses, group: group, task: task, logger: logger)
        } catch {
            task.cancel()
            await task.value
            throw error
        }
    }

    /// Stops accepting connections, ends queue streams (their items not yet written go back to the
    /// queue) and waits for open requests to finish; after `timeout` whatever is left is cancelled.
    public func shutdown(timeout: Duration = .seconds(10)) async {
        await group.triggerGracefulShutdown()
        let task = task
        await withTaskGroup(of: Bool.self) { race in
            race.addTask {
                await task.value
                return true
            }
            race.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            if await race.next() == false {
                task.cancel()
                await task.value
            }
            race.cancelAll()
        }
    }

    /// `https://127.0.0.1:7000`-style text of each bound address, for start-up messages.
    public func urls(scheme: String) -> [String] {
        boundAddresses.map { address in
            guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
            return ip.contains(":") ? "\(scheme)://[\(ip)]:\(port)" : "\(scheme)://\(ip):\(port)"
        }
    }
}

/// A started web server in the server's `ServiceGroup`: it holds until the group shuts down (or is
/// cancelled), then stops as `shutdown()` does.
extension WebServer: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
