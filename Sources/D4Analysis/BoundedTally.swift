/// Counts per key for a handful of distinct keys (ports of one attack, response kinds), up to `limit`
/// keys; packets of further keys are counted in `overflow`. Linear search with a transpose step keeps
/// the frequent keys first: cheaper than hashing for the 1–5 keys an attack usually has. Keys and
/// counts share one array, so a packet costs one uniqueness check, not two.
struct BoundedTally<Key: Equatable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var key: Key
        var count: Int
    }

    private var entries: [Entry] = []
    private(set) var overflow = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var keys: [Key] { entries.map(\.key) }
    var counts: [Int] { entries.map(\.count) }

    @inline(__always)
    mutating func add(_ key: Key, _ amount: Int = 1) {
        let found = entries.withUnsafeMutableBufferPointer { e -> Bool in
            var i = 0
            while i < e.count {
                if e[i].key == key {
                    e[i].count &+= amount
                    if i > 0, e[i].count > e[i - 1].count { e.swapAt(i, i - 1) }
                    return true
                }
                i += 1
            }
            return false
        }
        if found { return }
        if entries.count < limit {
            entries.append(Entry(key: key, count: amount))
        } else {
            overflow &+= amount
        }
    }

    /// Keys with their counts, most frequent first.
    var sorted: [(key: Key, count: Int)] {
        entries.map { (key: $0.key, count: $0.count) }.sorted { $0.count > $1.count }
    }
}
