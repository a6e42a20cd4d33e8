import NIOConcurrencyHelpers

/// How far the body of the response being written on one connection has actually been written to
/// the socket (write promises completed), so a queue stream knows exactly which items reached the
/// client and gives the others back. Filled by `WriteReceiptHandler` on the event loop, awaited by the
/// streaming task.
final class WriteReceipts: Sendable {
    enum Outcome: Equatable, Sendable {
        /// Every body byte up to the target was written.
        case written
        /// The connection failed or closed first; this many body bytes of the response were written.
        case failed(writtenBytes: Int)
    }

    private struct Waiter {
        var target: Int
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        /// Counts response heads on this connection; byte counts belong to the latest one.
        var response = 0
        var writtenBytes = 0
        var failed = false
        var waiters: [Waiter] = []
        /// The client closed its side (or the connection closed); `onPeerGone` callbacks ran.
        var peerGone = false
        var onPeerGone: [@Sendable () -> Void] = []
    }

    private let state = NIOLockedValueBox(State())

    /// The response whose body is being written now.
    var currentResponse: Int { state.withLockedValue { $0.response } }

    func responseStarted() {
        let stale = state.withLockedValue { state in
            state.response &+= 1
            state.writtenBytes = 0
            state.failed = false
            state.onPeerGone = []  // callbacks of an earlier response on this connection
            defer { state.waiters = [] }
            return state.waiters
        }
        stale.forEach { $0.continuation.resume(returning: .failed(writtenBytes: 0)) }
    }

    func bodyWriteCompleted(response: Int, bytes: Int, succeeded: Bool) {
        let ready: [(CheckedContinuation<Outcome, Never>, Outcome)] = state.withLockedValue { state in
            guard response == state.response, !state.failed else { return [] }
            if succeeded {
                state.writtenBytes &+= bytes
            } else {
                state.failed = true
            }
            return Self.takeResolved(&state)
        }
        ready.forEach { $0.0.resume(returning: $0.1) }
    }

    /// The connection closed: nothing more will be written.
    func connectionClosed() {
        let (ready, callbacks): ([(CheckedContinuation<Outcome, Never>, Outcome)], [@Sendable () -> Void]) =
            state.withLockedValue { state in
                state.failed = true
                return (Self.takeResolved(&state), Self.takePeerGone(&state))
            }
        ready.forEach { $0.0.resume(returning: $0.1) }
        callbacks.forEach { $0() }
    }

    /// The client closed its sending side: for a long-lived stream that means it went away. Pending
    /// writes may still complete or fail; only the callbacks run.
    func peerClosed() {
        let callbacks = state.withLockedValue { Self.takePeerGone(&$0) }
        callbacks.forEach { $0() }
    }

    /// Runs `callback` once when the client goes away (at once if it already did).
    func onPeerGone(_ callback: @escaping @Sendable () -> Void) {
        let runNow = state.withLockedValue { state in
            if state.peerGone { return true }
            state.onPeerGone.append(callback)
            return false
        }
        if runNow { callback() }
    }

    var isPeerGone: Bool { state.withLockedValue { $0.peerGone } }

    private static func takePeerGone(_ state: inout State) -> [@Sendable () -> Void] {
        state.peerGone = true
        defer { state.onPeerGone = [] }
        return state.onPeerGone
    }

    /// Waits until `bytes` body bytes of `response` are written, or the connection failed.
    func waitUntilWritten(response: Int, bytes: Int) async -> Outcome {
        await withCheckedContinuation { continuation in
            let now: Outcome? = state.withLockedValue { state in
                guard response == state.response else { return .failed(writtenBytes: 0) }
                if state.writtenBytes >= bytes { return .written }
                if state.failed { return .failed(writtenBytes: state.writtenBytes) }
                state.waiters.append(Waiter(target: bytes, continuation: continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private static func takeResolved(_ state: inout State) -> [(CheckedContinuation<Outcome, Never>, Outcome)] {
        var ready: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
        state.waiters.removeAll { waiter in
            if state.writtenBytes >= waiter.target {
                ready.append((waiter.continuation, .written))
                return true
            }
            if state.failed {
                ready.append((waiter.continuation, .failed(writtenBytes: state.writtenBytes)))
                return true
            }
            return false
        }
        return ready
    }
}
