import CSystemShims
import Logging
import ServiceLifecycle

/// A part of the running server that is already started (a bound listener, an open socket) as a
/// lifecycle service: it holds until the group shuts down, then `stop` closes it. The group stops its
/// services in the reverse order of the list, so the server lists parts in the order they must be
/// stopped last-to-first.
struct RunningPart: Service {
    let name: String
    let stop: @Sendable () async -> Void

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError if the group is cancelled instead.
        // Either way the part is closed.
        try? await gracefulShutdown()
        await stop()
    }
}

/// A background loop of the server (retention, the demo sensor) as a service: `body` runs until it
/// returns by itself or the group shuts down, when `onShutdown` asks it to finish.
struct BackgroundLoop: Service {
    let name: String
    let body: @Sendable () async -> Void
    let onShutdown: @Sendable () -> Void

    func run() async throws {
        await withGracefulShutdownHandler {
            await body()
        } onGracefulShutdown: {
            onShutdown()
        }
        // A loop that ended early must not take the server down: wait for the group's shutdown.
        try? await gracefulShutdown()
    }
}

/// Turns SIGINT/SIGTERM into the group's graceful shutdown. The C handler is installed before
/// start-up (so a signal during start-up is a clean stop too, not a kill); this service ends when it
/// sees one, and the group is configured to shut down gracefully when it ends.
///
/// ServiceLifecycle's own signal handling is not used for that reason: its Dispatch signal sources are
/// registered only once the group runs, after binding sockets and opening the store.
struct StopSignalWatcher: Service {
    let logger: Logger

    func run() async throws {
        // Also ends (cancelled) when something else shut the group down.
        try? await cancelWhenGracefulShutdown {
            while d4_stop_signals_received() == 0 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        if d4_stop_signals_received() > 0 { logger.info("stop signal received") }
    }
}
