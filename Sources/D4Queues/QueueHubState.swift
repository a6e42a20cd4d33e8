import Foundation

/// Everything the hub guards with its one lock. Methods never suspend and never resume a continuation
/// themselves: they append to `wakeUps`, which the hub resumes after releasing the lock.
struct QueueHubState {
    var queues: [QueueBuffer] = []
    var indexByName: [String: Int] = [:]
    /// Queue indices per frame type: publish looks at the queues of its type only.
    var routes: [[Int]] = Array(repeating: [], count: 256)
    var nextIdentifier = 1
    /// Consumers parked in `take`, by consumer id.
    var consumerWaits: [Int: ConsumerWait] = [:]
    /// Publishers parked in `waitForSpace`, by wait id.
    var spaceWaits: [Int: SpaceWait] = [:]

    struct ConsumerWait {
        /// Name and generation, not an index: indices change when the queues are reconfigured.
        var queueName: String
        var generation: Int
        var continuation: CheckedContinuation<[QueueItem]?, Never>
    }

    /// Which block queues a parked publisher waits for: with a meta type known, exactly the queues its
    /// frame goes to; without one, every queue of the type and sensor (conservative).
    struct SpaceFilter {
        var sensor: UUID
        var type: UInt8
        var metaType: String?
        var metaTypeKnown: Bool
    }

    enum SpaceWait {
        /// Registered before its continuation exists, so cancellation can find it.
        case pending(SpaceFilter)
        case cancelled
        case waiting(SpaceFilter, CheckedContinuation<Void, Never>)
    }

    enum WakeUp {
        case consumer(CheckedContinuation<[QueueItem]?, Never>, [QueueItem]?)
        case publisher(CheckedContinuation<Void, Never>)

        func resume() {
            switch self {
            case let .consumer(continuation, items): continuation.resume(returning: items)
            case let .publisher(continuation): continuation.resume()
            }
        }
    }

    init(specs: [QueueSpec]) {
        var wakeUps: [WakeUp] = []
        apply(specs: specs, wakeUps: &wakeUps)
    }

    mutating func makeIdentifier() -> Int {
        defer { nextIdentifier &+= 1 }
        return nextIdentifier
    }

    // MARK: publishing

    /// True when some queue that would take this frame is full and applies backpressure.
    func isRefused(sensor: UUID, type: UInt8, metaType: String?) -> Bool {
        // Indexing in place (no `let queue = …`): a copy of the buffer costs retains on the hot path.
        for index in routes[Int(type)] where queues[index].holdsIngestBack {
            if queues[index].spec.accepts(sensor: sensor, metaType: metaType) { return true }
        }
        return false
    }

    /// Hands queued items to parked consumers of queue `index`, one item each, oldest consumer first.
    mutating func dispatch(queueIndex index: Int, wakeUps: inout [WakeUp]) {
        while !queues[index].waitingConsumers.isEmpty && !queues[index].items.isEmpty {
            let consumer = queues[index].waitingConsumers.removeFirst()
            guard let wait = consumerWaits.removeValue(forKey: consumer) else { continue }
            wakeUps.append(.consumer(wait.continuation, queues[index].take(maxCount: 1)))
        }
    }

    // MARK: space for publishers

    func hasRoom(for filter: SpaceFilter) -> Bool {
        for index in routes[Int(filter.type)] where queues[index].holdsIngestBack {
            let matches = filter.metaTypeKnown
                ? queues[index].spec.accepts(sensor: filter.sensor, metaType: filter.metaType)
                : queues[index].spec.mayAccept(sensor: filter.sensor, type: filter.type)
            if matches { return false }
        }
        return true
    }

    /// Wakes every parked publisher whose queues now have room.
    mutating func wakePublishersWithRoom(wakeUps: inout [WakeUp]) {
        guard !spaceWaits.isEmpty else { return }
        for (identifier, wait) in spaceWaits {
            guard case let .waiting(filter, continuation) = wait, hasRoom(for: filter) else { continue }
            spaceWaits[identifier] = nil
            wakeUps.append(.publisher(continuation))
        }
    }

    // MARK: consumers

    /// Ends a consumer's membership of queue `index`; a block queue left without consumers stops
    /// holding ingest back.
    mutating func removeConsumer(_ consumer: Int, queueIndex index: Int, wakeUps: inout [WakeUp]) {
        queues[index].consumers.remove(consumer)
        queues[index].waitingConsumers.removeAll { $0 == consumer }
        if let wait = consumerWaits.removeValue(forKey: consumer) {
            wakeUps.append(.consumer(wait.continuation, nil))
        }
        wakePublishersWithRoom(wakeUps: &wakeUps)
    }

    /// The index of the queue a subscription refers to, nil once that queue was removed or replaced.
    func queueIndex(name: String, generation: Int) -> Int? {
        guard let index = indexByName[name], queues[index].generation == generation else { return nil }
        return index
    }

    // MARK: configuration

    /// Replaces the set of queues. A queue whose name stays keeps its items, counters and consumers and
    /// takes the new filter, capacity and policy; a lowered capacity drops nothing (the queue drains
    /// below it first). Removed queues end their consumers' subscriptions; their items are discarded.
    mutating func apply(specs: [QueueSpec], wakeUps: inout [WakeUp]) {
        var newQueues: [QueueBuffer] = []
        var newIndex: [String: Int] = [:]
        for spec in specs {
            if let existing = newIndex[spec.name] {
                newQueues[existing].spec = spec  // the last definition of a name wins
                continue
            }
            var queue: QueueBuffer
            if let old = indexByName[spec.name] {
                queue = queues[old]
                queue.spec = spec
            } else {
                queue = QueueBuffer(spec: spec, generation: makeIdentifier())
            }
            newIndex[spec.name] = newQueues.count
            newQueues.append(queue)
        }
        // End the consumers of removed queues.
        for queue in queues where newIndex[queue.spec.name] == nil {
            for consumer in queue.waitingConsumers {
                if let wait = consumerWaits.removeValue(forKey: consumer) {
                    wakeUps.append(.consumer(wait.continuation, nil))
                }
            }
        }
        queues = newQueues
        indexByName = newIndex
        routes = Array(repeating: [], count: 256)
        for (index, queue) in queues.enumerated() {
            routes[Int(queue.spec.type)].append(index)
        }
        wakePublishersWithRoom(wakeUps: &wakeUps)
    }
}
