import Foundation
import NIOConcurrencyHelpers

/// The server's named, bounded analyzer queues. Ingest publishes every accepted frame; built-in
/// analyzers and external consumers (through `QueueSocketServer`) subscribe by queue name.
///
/// Consumers of one queue share its items (work sharing): each item goes to exactly one consumer, so
/// running two copies of an analyzer doubles its throughput. A consumer that wants every item needs a
/// queue of its own (two queues on one type each receive every frame).
///
/// Delivery is at most once: an item counts as delivered when a consumer takes it. The socket server
/// gives an item back to the head of its queue when writing it to a client fails, so a consumer that
/// disconnects loses no item that had not yet been written; bytes already in the kernel's socket
/// buffer when a client vanishes are lost.
///
/// Every operation takes one lock for a time proportional to the number of queues of the frame's type;
/// nothing runs under the lock that could block, and continuations resume after it is released.
public final class QueueHub: Sendable {
    private let state: NIOLockedValueBox<QueueHubState>
    /// Queues that feed an in-process analyzer: outside consumers are refused (see `reserve`).
    private let reservedNames = NIOLockedValueBox<Set<String>>([])

    public init(specs: [QueueSpec]) {
        state = NIOLockedValueBox(QueueHubState(specs: specs))
    }

    /// Adds, removes and changes queues at run time. Queues whose name stays keep their items,
    /// counters and consumers; see `QueueHubState.apply` for the details.
    public func update(specs: [QueueSpec]) {
        let wakeUps = state.withLockedValue { state in
            var wakeUps: [QueueHubState.WakeUp] = []
            state.apply(specs: specs, wakeUps: &wakeUps)
            return wakeUps
        }
        wakeUps.forEach { $0.resume() }
    }

    /// The current queue definitions, in configuration order.
    public var specs: [QueueSpec] {
        state.withLockedValue { $0.queues.map(\.spec) }
    }

    // MARK: publishing

    /// Offers one frame to every queue that subscribes to it. Called by ingest on the event loop for
    /// every accepted frame: never blocks, never does I/O. The item's `sequence` is ignored (each queue
    /// numbers its items). Returns `.full` — and enqueues nothing — when a matching `block` queue with a
    /// consumer is full; stop reading the connection, await `waitForSpace(for:)`, then publish again.
    public func publish(_ item: QueueItem) -> PublishResult {
        publish(sensor: item.sensor, type: item.type, metaType: item.metaType, session: item.session,
                timestamp: item.timestamp, isSessionEnd: item.isSessionEnd) { item.payload }
    }

    /// Whether some queue would take a frame of this sensor and type now (ingest checks such frames'
    /// HMAC before publishing them; frames no queue wants go to the archive, which checks them itself).
    public func wants(sensor: UUID, type: UInt8, metaType: String?) -> Bool {
        state.withLockedValue { state in
            state.routes[Int(type)].contains { state.queues[$0].spec.accepts(sensor: sensor, metaType: metaType) }
        }
    }

    /// Same as `publish(_:)` for a payload still in the receive buffer: the bytes are copied (once,
    /// shared by all queues) only when some queue takes them, so frames no queue wants cost no allocation.
    public func publish(sensor: UUID, type: UInt8, metaType: String?, session: UInt64, timestamp: UInt64,
                        payload: UnsafeRawBufferPointer, isSessionEnd: Bool = false) -> PublishResult {
        publish(sensor: sensor, type: type, metaType: metaType, session: session, timestamp: timestamp,
                isSessionEnd: isSessionEnd) { Array(payload) }
    }

    private func publish(sensor: UUID, type: UInt8, metaType: String?, session: UInt64, timestamp: UInt64,
                         isSessionEnd: Bool, payload makePayload: () -> [UInt8]) -> PublishResult {
        var refused = false
        let wakeUps: [QueueHubState.WakeUp] = state.withLockedValue { state in
            let candidates = state.routes[Int(type)]
            guard !candidates.isEmpty else { return [] }
            // All or nothing: a refused frame is published again later and must not be duplicated.
            if !isSessionEnd && state.isRefused(sensor: sensor, type: type, metaType: metaType) {
                refused = true
                return []
            }
            var item: QueueItem?
            var wakeUps: [QueueHubState.WakeUp] = []
            for index in candidates where state.queues[index].spec.accepts(sensor: sensor, metaType: metaType) {
                if item == nil {
                    item = QueueItem(sensor: sensor, type: type, metaType: metaType, session: session,
                                     timestamp: timestamp, payload: makePayload(), isSessionEnd: isSessionEnd)
                }
                if let item { state.queues[index].offer(item) }
                state.dispatch(queueIndex: index, wakeUps: &wakeUps)
            }
            return wakeUps
        }
        wakeUps.forEach { $0.resume() }
        return refused ? .full : .accepted
    }

    /// Resumes once every `block` queue that `item` would go to has room (or stopped applying
    /// backpressure: it lost its last consumer or was removed), or when the task is cancelled.
    public func waitForSpace(for item: QueueItem) async {
        await waitForSpace(QueueHubState.SpaceFilter(sensor: item.sensor, type: item.type,
                                                     metaType: item.metaType, metaTypeKnown: true))
    }

    /// Like `waitForSpace(for:)` without knowing the meta type: waits for every `block` queue of this
    /// type and sensor, whatever meta type it filters on.
    public func waitForSpace(sensor: UUID, type: UInt8) async {
        await waitForSpace(QueueHubState.SpaceFilter(sensor: sensor, type: type, metaType: nil, metaTypeKnown: false))
    }

    private func waitForSpace(_ filter: QueueHubState.SpaceFilter) async {
        let identifier: Int? = state.withLockedValue { state in
            guard !state.hasRoom(for: filter) else { return nil }
            let identifier = state.makeIdentifier()
            state.spaceWaits[identifier] = .pending(filter)
            return identifier
        }
        guard let identifier else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state in
                    guard case .pending = state.spaceWaits[identifier], !state.hasRoom(for: filter) else {
                        state.spaceWaits[identifier] = nil  // cancelled, or room appeared meanwhile
                        return true
                    }
                    state.spaceWaits[identifier] = .waiting(filter, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, Never>? = state.withLockedValue { state in
                switch state.spaceWaits[identifier] {
                case .pending:
                    state.spaceWaits[identifier] = .cancelled
                    return nil
                case let .waiting(_, continuation):
                    state.spaceWaits[identifier] = nil
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume()
        }
    }

    // MARK: consuming

    /// Keeps queue `name` for an analyzer inside this process: `subscribe` refuses it (socket and HTTP
    /// consumers use that), `subscribeReserved` takes it. Consumers of one queue share its items, so an
    /// outside consumer would silently take data away from the built-in analyzer.
    public func reserve(_ name: String) {
        _ = reservedNames.withLockedValue { $0.insert(name) }
    }

    public func isReserved(_ name: String) -> Bool {
        reservedNames.withLockedValue { $0.contains(name) }
    }

    /// Joins queue `name` as a consumer. The subscription counts as a consumer (and makes a `block`
    /// queue apply backpressure) until it is closed or released. Reserved queues are refused.
    public func subscribe(_ name: String) throws(QueueError) -> QueueSubscription {
        if isReserved(name) { throw .reservedQueue(name: name) }
        return try join(name)
    }

    /// Joins a queue kept with `reserve` (the in-process analyzer that reserved it).
    public func subscribeReserved(_ name: String) throws(QueueError) -> QueueSubscription {
        try join(name)
    }

    private func join(_ name: String) throws(QueueError) -> QueueSubscription {
        let registration: (consumer: Int, generation: Int)? = state.withLockedValue { state in
            guard let index = state.indexByName[name] else { return nil }
            let consumer = state.makeIdentifier()
            state.queues[index].consumers.insert(consumer)
            return (consumer, state.queues[index].generation)
        }
        guard let registration else {
            throw .unknownQueue(name: name, known: queueNames)
        }
        return QueueSubscription(hub: self, queueName: name, generation: registration.generation,
                                 consumer: registration.consumer)
    }

    /// The defined queue names, sorted.
    public var queueNames: [String] {
        state.withLockedValue { $0.queues.map(\.spec.name) }.sorted()
    }

    /// Takes up to `maxCount` items, waiting for the first one. Nil when the queue was removed, the
    /// subscription closed, or the task cancelled.
    func take(queueName: String, generation: Int, consumer: Int, maxCount: Int) async -> [QueueItem]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[QueueItem]?, Never>) in
                let wakeUps: [QueueHubState.WakeUp] = state.withLockedValue { state in
                    // Task.isCancelled is set before the cancellation handler runs, and both run under
                    // the lock: a cancellation is seen either here or by the handler, never lost.
                    guard !Task.isCancelled, state.consumerWaits[consumer] == nil,
                          let index = state.queueIndex(name: queueName, generation: generation),
                          state.queues[index].consumers.contains(consumer) else {
                        return [.consumer(continuation, nil)]
                    }
                    guard state.queues[index].items.isEmpty else {
                        let wasHoldingBack = state.queues[index].holdsIngestBack
                        var wakeUps: [QueueHubState.WakeUp] = [
                            .consumer(continuation, state.queues[index].take(maxCount: maxCount))]
                        if wasHoldingBack { state.wakePublishersWithRoom(wakeUps: &wakeUps) }
                        return wakeUps
                    }
                    state.consumerWaits[consumer] = .init(queueName: queueName, generation: generation,
                                                          continuation: continuation)
                    state.queues[index].waitingConsumers.append(consumer)
                    return []
                }
                wakeUps.forEach { $0.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<[QueueItem]?, Never>? = state.withLockedValue { state in
                guard let wait = state.consumerWaits.removeValue(forKey: consumer) else { return nil }
                if let index = state.queueIndex(name: wait.queueName, generation: wait.generation) {
                    state.queues[index].waitingConsumers.removeAll { $0 == consumer }
                }
                return wait.continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    /// Puts items a consumer took but could not deliver back at the head of their queue.
    func giveBack(_ items: [QueueItem], queueName: String, generation: Int) {
        guard !items.isEmpty else { return }
        let wakeUps: [QueueHubState.WakeUp] = state.withLockedValue { state in
            guard let index = state.queueIndex(name: queueName, generation: generation) else { return [] }
            state.queues[index].giveBack(items)
            var wakeUps: [QueueHubState.WakeUp] = []
            state.dispatch(queueIndex: index, wakeUps: &wakeUps)
            return wakeUps
        }
        wakeUps.forEach { $0.resume() }
    }

    /// Ends a consumer's membership; a parked `take` of it returns nil.
    func leave(queueName: String, generation: Int, consumer: Int) {
        let wakeUps: [QueueHubState.WakeUp] = state.withLockedValue { state in
            var wakeUps: [QueueHubState.WakeUp] = []
            if let index = state.queueIndex(name: queueName, generation: generation) {
                state.removeConsumer(consumer, queueIndex: index, wakeUps: &wakeUps)
            } else if let wait = state.consumerWaits.removeValue(forKey: consumer) {
                wakeUps.append(.consumer(wait.continuation, nil))
            }
            return wakeUps
        }
        wakeUps.forEach { $0.resume() }
    }

    // MARK: observing

    /// Depth, counters and consumers of every queue, sorted by name.
    public func statistics() -> [QueueStatistics] {
        state.withLockedValue { $0.queues.map(\.statistics) }.sorted { $0.name < $1.name }
    }
}
