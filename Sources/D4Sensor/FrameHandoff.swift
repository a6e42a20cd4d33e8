import Dispatch
import Synchronization

/// A bounded queue from the sensor's reader thread (which blocks when it is full: backpressure reaches
/// the source) to the async uplink (which can wait with a timeout).
public final class FrameHandoff: Sendable {
    public enum Next: Sendable { case frame(OutgoingFrame), timedOut, finished }

    private struct State {
        var queue: [OutgoingFrame] = []
        var head = 0
        var finished = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Next, Never>)?
        var nextWaiterID: UInt64 = 0

        mutating func popFirst() -> OutgoingFrame? {
            guard head < queue.count else { return nil }
            let frame = queue[head]
            head += 1
            if head > 64, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return frame
        }
    }

    private let state = Mutex(State())
    private let space: DispatchSemaphore

    public init(capacity: Int = 64) {
        space = DispatchSemaphore(value: capacity)
    }

    /// Blocks the calling thread while the queue is full. Not for async contexts.
    public func put(_ frame: OutgoingFrame) {
        space.wait()
        let waiter = state.withLock { state -> CheckedContinuation<Next, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.queue.append(frame)
            return nil
        }
        if let waiter {
            space.signal()
            waiter.resume(returning: .frame(frame))
        }
    }

    /// No more frames will be put.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Next, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: .finished)
    }

    /// The next frame, `.finished` when the producer is done, or `.timedOut` after `timeout`.
    public func next(timeout: Duration? = nil) async -> Next {
        await withCheckedContinuation { continuation in
            enum Outcome { case tookFrame, finished, waiting(UInt64) }
            let outcome = state.withLock { state -> Outcome in
                if let frame = state.popFirst() {
                    continuation.resume(returning: .frame(frame))
                    return .tookFrame
                }
                if state.finished {
                    continuation.resume(returning: .finished)
                    return .finished
                }
                state.nextWaiterID &+= 1
                state.waiter = (state.nextWaiterID, continuation)
                return .waiting(state.nextWaiterID)
            }
            guard case .waiting(let id) = outcome else {
                // A frame left the queue: give its slot back to the producer.
                if case .tookFrame = outcome { space.signal() }
                return
            }
            if let timeout {
                Task {
                    try? await Task.sleep(for: timeout)
                    let expired = self.state.withLock { state -> CheckedContinuation<Next, Never>? in
                        guard state.waiter?.id == id else { return nil }
                        defer { state.waiter = nil }
                        return state.waiter?.continuation
                    }
                    expired?.resume(returning: .timedOut)
                }
            }
        }
    }
}
