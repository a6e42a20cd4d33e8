/// A set of IPv4 addresses in one flat array of 32-bit slots (0 marks an empty slot; address 0.0.0.0
/// is a flag beside it): half the bytes of 64-bit slots, so that the scanner tables — one random
/// access per scan packet, tens of thousands of sources — stay in the CPU's L2 cache.
///
/// Open addressing with linear probing, load ≤ ¾ (sixteen slots share a cache line, so the longer
/// probe runs of a fuller table still cost one miss, and the table is smaller), no deletion (emptied
/// whole). The slot is chosen by multiply-shift hashing with a random odd multiplier per process (one
/// multiply instead of a two-multiply finaliser; the random multiplier keeps spoofed addresses from
/// colliding on purpose).
struct IPv4KeySet: Sendable {
    private var slots: [UInt32]
    /// Number of non-zero addresses in `slots`.
    private var storedCount = 0
    private var hasZero = false
    /// 64 - log2(slots.count): the hash's top bits index the table.
    private var shift: UInt64
    private let multiplier = ipv4HashMultiplier

    init(minimumCapacity: Int = 8) {
        let capacity = Self.capacity(for: minimumCapacity)
        slots = [UInt32](repeating: 0, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    var count: Int { storedCount + (hasZero ? 1 : 0) }

    @inline(__always)
    private func home(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* multiplier) &>> shift)
    }

    /// Inserts `key`; true when it was new.
    @inline(__always) @discardableResult
    mutating func insert(_ key: UInt32) -> Bool {
        guard key != 0 else {
            defer { hasZero = true }
            return !hasZero
        }
        // Most inserts (a scanner's next packet) find the key: look first, without the uniqueness
        // check of the storage that a write needs.
        if contains(key) { return false }
        if (storedCount + 1) * 4 > slots.count * 3 { grow() }
        let start = home(key)
        let inserted = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count - 1
            var i = start
            while true {
                let current = s[i]
                if current == key { return false }
                if current == 0 {
                    s[i] = key
                    return true
                }
                i = (i &+ 1) & mask
            }
        }
        if inserted { storedCount += 1 }
        return inserted
    }

    @inline(__always)
    func contains(_ key: UInt32) -> Bool {
        guard key != 0 else { return hasZero }
        // Plain indexing: a buffer-pointer closure on a non-mutating path retains the storage.
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let current = slots[i]
            if current == key { return true }
            if current == 0 { return false }
            i = (i &+ 1) & mask
        }
    }

    /// Makes room for `total` keys at once. Merging another table needs it: its keys come in slot
    /// order, i.e. sorted by hash, and would all land in one growing cluster of a smaller table.
    mutating func reserveCapacity(_ total: Int) {
        guard total * 4 > slots.count * 3 else { return }
        let old = slots
        slots = [UInt32](repeating: 0, count: Self.capacity(for: total))
        shift = UInt64(64 - slots.count.trailingZeroBitCount)
        storedCount = 0
        for key in old where key != 0 { insert(key) }
    }

    mutating func removeAll() {
        hasZero = false
        guard storedCount > 0 else { return }
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        storedCount = 0
    }

    func forEach(_ body: (UInt32) -> Void) {
        if hasZero { body(0) }
        for key in slots where key != 0 { body(key) }
    }

    private mutating func grow() { reserveCapacity(slots.count) }

    /// Slots for `keys` keys at load ≤ ¾: a power of two (the hash's top bits index it), at least 16.
    private static func capacity(for keys: Int) -> Int {
        var capacity = 16
        while capacity * 3 < keys * 4 { capacity <<= 1 }
        return capacity
    }
}

/// Random odd multiplier for `IPv4KeySet`, drawn once per process; tables copy it at creation (a
/// lazily initialised global costs a `swift_once` check per access).
let ipv4HashMultiplier = UInt64.random(in: UInt64.min ... UInt64.max) | 1
