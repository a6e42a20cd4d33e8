/// Counts per key for a handful of distinct keys (ports of one attack, response kinds), up to `limit`
/// keys; packets of further keys are counted in `overflow`. Linear search with a transpose step keeps
/// the frequent keys first: cheaper than hashing for the 1–5 keys an attack usually has.
///
/// The first entry lives in a stored property, the others in an array: most attacks have a single
/// port, protocol and response kind, so most packets count without touching the array (an array write
/// costs a uniqueness check of its storage, three per backscatter packet for a flow's tallies).
struct BoundedTally<Key: Equatable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var key: Key
        var count: Int
    }

    /// Entry 0 (nil while there is none) …
    private var leading: Entry?
    /// … and entries 1, 2, …
    private var rest: [Entry] = []
    private(set) var overflow = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    private var entries: [Entry] { (leading.map { [$0] } ?? []) + rest }
    private var entryCount: Int { leading == nil ? 0 : 1 + rest.count }

    var keys: [Key] { entries.map(\.key) }
    var counts: [Int] { entries.map(\.count) }

    @inline(__always)
    mutating func add(_ key: Key, _ amount: Int = 1) {
        if leading?.key == key {
            leading!.count &+= amount
            return
        }
        guard leading != nil else {
            if limit > 0 { leading = Entry(key: key, count: amount) } else { overflow &+= amount }
            return
        }
        // Position in `rest` of the key, -1 when new.
        let found = rest.withUnsafeMutableBufferPointer { e -> Int in
            var i = 0
            while i < e.count {
                if e[i].key == key {
                    e[i].count &+= amount
                    if i > 0, e[i].count > e[i - 1].count { e.swapAt(i, i - 1) }
                    return i
                }
                i += 1
            }
            return -1
        }
        if found == 0, rest[0].count > leading!.count {
            // The transpose step across the two parts (entry 1 overtook entry 0).
            swap(&rest[0], &leading!)
        }
        if found >= 0 { return }
        if entryCount < limit {
            rest.append(Entry(key: key, count: amount))
        } else {
            overflow &+= amount
        }
    }

    /// Keys with their counts, most frequent first.
    var sorted: [(key: Key, count: Int)] {
        entries.map { (key: $0.key, count: $0.count) }.sorted { $0.count > $1.count }
    }
}
