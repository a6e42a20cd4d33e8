import ServiceLifecycle

/// A started queue socket in the server's `ServiceGroup`: it holds until the group shuts down (or is
/// cancelled), then closes as `close()` does (clients disconnected, socket file removed).
extension QueueSocketServer: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }
}
