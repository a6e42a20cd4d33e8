/// One consumer's membership of a queue, and the sequence of items it receives.
///
/// Iterate it from one task at a time. It stays a consumer until `close()` is called or it is released;
/// iteration ends (nil) when it is closed, its queue is removed, or the iterating task is cancelled.
public final class QueueSubscription: AsyncSequence, Sendable {
    public typealias Element = QueueItem

    private let hub: QueueHub
    public let queueName: String
    private let generation: Int
    private let consumer: Int

    init(hub: QueueHub, queueName: String, generation: Int, consumer: Int) {
        self.hub = hub
        self.queueName = queueName
        self.generation = generation
        self.consumer = consumer
    }

    deinit {
        hub.leave(queueName: queueName, generation: generation, consumer: consumer)
    }

    /// Waits for the next item; takes up to `maxCount` when several are queued (fewer wake-ups for a
    /// busy consumer). Nil when the subscription ended.
    public func next(maxCount: Int) async -> [QueueItem]? {
        await hub.take(queueName: queueName, generation: generation, consumer: consumer, maxCount: maxCount)
    }

    /// Returns items this consumer took but could not process or deliver: they go back to the head of
    /// the queue, in order, for the next consumer (counted as `requeued`).
    public func giveBack(_ items: [QueueItem]) {
        hub.giveBack(items, queueName: queueName, generation: generation)
    }

    /// Stops consuming: the queue no longer counts this consumer, a pending `next` returns nil.
    public func close() {
        hub.leave(queueName: queueName, generation: generation, consumer: consumer)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: QueueSubscription

        public mutating func next() async -> QueueItem? {
            await subscription.next(maxCount: 1)?.first
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }
}
