import NIOConcurrencyHelpers

/// Bounds how many password hashes (PBKDF2, tenths of a second each by design) are computed at once,
/// so that guessers cannot keep every core busy: at most `concurrent` checks run, at most `waiting`
/// more wait their turn, and any further one is refused at once (the caller answers 503).
final class PasswordCheckGate: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Bool, Never>] = []
    }

    let concurrent: Int
    let waiting: Int
    private let state = NIOLockedValueBox(State())

    init(concurrent: Int, waiting: Int) {
        self.concurrent = max(1, concurrent)
        self.waiting = max(0, waiting)
    }

    /// Runs `check` when a place is free; nil (nothing run) when too many are queued already.
    func run<T: Sendable>(_ check: @Sendable () async throws -> T) async throws -> T? {
        guard await enter() else { return nil }
        defer { leave() }
        return try await check()
    }

    private func enter() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let immediate: Bool? = state.withLockedValue { state in
                if state.running < concurrent {
                    state.running += 1
                    return true
                }
                guard state.waiters.count < waiting else { return false }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Hands the place to the first waiter, or frees it.
    private func leave() {
        let next: CheckedContinuation<Bool, Never>? = state.withLockedValue { state in
            if state.waiters.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        // The place passes to the waiter: `running` stays as it is.
        next?.resume(returning: true)
    }

    /// Checks running now (for tests and metrics).
    var running: Int { state.withLockedValue { $0.running } }
}
