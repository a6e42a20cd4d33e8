import NIOConcurrencyHelpers
import NIOCore

/// Collects the addresses the listeners actually bound (port 0 becomes a real port) and lets
/// `WebServer.start` wait until all are bound or the service failed.
final class ListenerBindings: Sendable {
    private struct State {
        var addresses: [SocketAddress?]
        var outcome: Result<[SocketAddress], any Error>?
        var waiters: [CheckedContinuation<[SocketAddress], any Error>] = []
    }

    private let state: NIOLockedValueBox<State>

    init(count: Int) {
        state = NIOLockedValueBox(State(addresses: Array(repeating: nil, count: count)))
    }

    func bound(index: Int, address: SocketAddress?) {
        resolve { state in
            guard state.addresses.indices.contains(index), let address else { return }
            state.addresses[index] = address
            let all = state.addresses.compactMap { $0 }
            if all.count == state.addresses.count { state.outcome = .success(all) }
        }
    }

    /// The service ended (with `error`, or quietly before binding everything).
    func ended(error: (any Error)?) {
        resolve { state in
            guard state.outcome == nil else { return }
            state.outcome = .failure(error ?? WebServerError.stoppedBeforeListening)
        }
    }

    func waitUntilBound() async throws -> [SocketAddress] {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<[SocketAddress], any Error>? = state.withLockedValue { state in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    private func resolve(_ change: (inout State) -> Void) {
        let ready: ([CheckedContinuation<[SocketAddress], any Error>], Result<[SocketAddress], any Error>)? =
            state.withLockedValue { state in
                let hadOutcome = state.outcome != nil
                change(&state)
                guard !hadOutcome, let outcome = state.outcome else { return nil }
                defer { state.waiters = [] }
                return (state.waiters, outcome)
            }
        if let (waiters, outcome) = ready {
            waiters.forEach { $0.resume(with: outcome) }
        }
    }
}
