import NIOCore

/// One queue inside the hub's lock: its items, counters, consumers and the consumers waiting for an item.
struct QueueBuffer {
    var spec: QueueSpec
    /// Distinguishes this queue from a later queue of the same name (subscriptions of a removed queue end).
    let generation: Int
    var items = CircularBuffer<QueueItem>()
    var nextSequence: UInt64 = 1
    var enqueued: UInt64 = 0
    var delivered: UInt64 = 0
    var dropped: UInt64 = 0
    var requeued: UInt64 = 0
    var consumers: Set<Int> = []
    /// Consumer ids waiting for an item, first come first served; non-empty only while `items` is empty.
    var waitingConsumers: [Int] = []

    init(spec: QueueSpec, generation: Int) {
        self.spec = spec
        self.generation = generation
    }

    var isFull: Bool { items.count >= spec.effectiveCapacity }

    /// `block` means backpressure only while somebody consumes (see `DropPolicy.block`).
    var appliesBackpressure: Bool { spec.dropPolicy == .block && !consumers.isEmpty }

    /// True when a data frame published now would be refused with `.full`.
    var holdsIngestBack: Bool { appliesBackpressure && isFull }

    /// Takes `item` according to the drop policy; the caller has already refused the frame when this
    /// queue holds ingest back. Every item gets the next sequence number, taken or not, so a consumer
    /// sees a gap wherever the policy dropped something.
    mutating func offer(_ item: QueueItem) {
        var item = item
        item.sequence = nextSequence
        nextSequence &+= 1
        if !item.isSessionEnd && isFull {
            if spec.dropPolicy == .dropNewest {
                dropped &+= 1
                return
            }
            // drop-oldest, or a block queue nobody consumes. A loop, because a lowered capacity
            // leaves more items than the new limit.
            while isFull, items.popFirst() != nil {
                dropped &+= 1
            }
        }
        items.append(item)
        enqueued &+= 1
    }

    /// Removes up to `maxCount` items from the head for a consumer.
    mutating func take(maxCount: Int) -> [QueueItem] {
        let count = min(max(1, maxCount), items.count)
        var taken: [QueueItem] = []
        taken.reserveCapacity(count)
        for _ in 0..<count {
            if let item = items.popFirst() { taken.append(item) }
        }
        delivered &+= UInt64(taken.count)
        return taken
    }

    /// Puts items a consumer could not deliver back at the head, in their original order.
    mutating func giveBack(_ returned: [QueueItem]) {
        for item in returned.reversed() {
            items.prepend(item)
        }
        let count = UInt64(returned.count)
        delivered = delivered >= count ? delivered - count : 0
        requeued &+= count
    }

    var statistics: QueueStatistics {
        QueueStatistics(
            name: spec.name, type: spec.type, metaType: spec.metaType,
            sensors: spec.sensors.sorted { $0.uuidString < $1.uuidString }, dropPolicy: spec.dropPolicy,
            capacity: spec.effectiveCapacity, depth: items.count,
            enqueued: Int(clamping: enqueued), delivered: Int(clamping: delivered),
            dropped: Int(clamping: dropped), requeued: Int(clamping: requeued),
            consumers: consumers.count, blocking: holdsIngestBack)
    }
}
