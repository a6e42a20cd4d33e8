/// Counts per key for a handful of distinct keys (ports of one attack, response kinds), up to `limit`
/// keys; packets of further keys are counted in `overflow`. Linear search with a transpose step keeps
/// the frequent keys first: cheaper than hashing for the 1–5 keys an attack usually has.
struct BoundedTally<Key: Equatable & Sendable>: Sendable {
    private(set) var keys: [Key] = []
    private(set) var counts: [Int] = []
    private(set) var overflow = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    @inline(__always)
    mutating func add(_ key: Key, _ amount: Int = 1) {
        let n = keys.count
        var i = 0
        while i < n {
            if keys[i] == key {
                counts[i] &+= amount
                if i > 0, counts[i] > counts[i - 1] {
                    keys.swapAt(i, i - 1)
                    counts.swapAt(i, i - 1)
                }
                return
            }
            i += 1
        }
        if n < limit {
            keys.append(key)
            counts.append(amount)
        } else {
            overflow &+= amount
        }
    }

    /// Keys with their counts, most frequent first.
    var sorted: [(key: Key, count: Int)] {
        zip(keys, counts).map { (key: $0, count: $1) }.sorted { $0.count > $1.count }
    }
}
