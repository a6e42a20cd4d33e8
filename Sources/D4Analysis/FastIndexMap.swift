/// Maps keys to positions in a dense array, for the per-packet path: open addressing with linear
/// probing in one flat array, load ≤ ½, the cheap `fastHash` instead of SipHash, and deletion by
/// backward shift (no tombstones pile up while victims come and go for days).
struct FastIndexMap<Key: FastHashKey>: Sendable {
    private struct Slot: Sendable {
        var key: Key
        /// Position in the owner's dense array; -1 marks an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private(set) var count = 0
    private let seed = fastHashSeed

    init(minimumCapacity: Int = 8) {
        let capacity = openAddressingCapacity(for: minimumCapacity)
        slots = [Slot](repeating: Slot(key: .placeholder, value: -1), count: capacity)
    }

    @inline(__always)
    func find(_ key: Key) -> Int? {
        slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: key.fastHash(seed: seed)) & mask
            while s[i].value >= 0 {
                if s[i].key == key { return Int(s[i].value) }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// Sets the position of `key`, adding the key when it is new.
    @inline(__always)
    mutating func set(_ key: Key, to value: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        let added = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: key.fastHash(seed: seed)) & mask
            while s[i].value >= 0 {
                if s[i].key == key {
                    s[i].value = Int32(truncatingIfNeeded: value)
                    return false
                }
                i = (i + 1) & mask
            }
            s[i] = Slot(key: key, value: Int32(truncatingIfNeeded: value))
            return true
        }
        if added { count += 1 }
    }

    /// Removes `key`; the entries probed after it move back so that every key stays reachable.
    mutating func remove(_ key: Key) {
        let removed = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count - 1
            var hole = Int(truncatingIfNeeded: key.fastHash(seed: seed)) & mask
            while s[hole].value >= 0, s[hole].key != key { hole = (hole + 1) & mask }
            guard s[hole].value >= 0 else { return false }
            s[hole].value = -1
            var next = (hole + 1) & mask
            while s[next].value >= 0 {
                let home = Int(truncatingIfNeeded: s[next].key.fastHash(seed: seed)) & mask
                // The entry may move into the hole unless its home lies cyclically in (hole, next].
                let homeAfterHole = (home &- hole) & mask
                let nextAfterHole = (next &- hole) & mask
                if homeAfterHole == 0 || homeAfterHole > nextAfterHole {
                    s[hole] = s[next]
                    s[next].value = -1
                    hole = next
                }
                next = (next + 1) & mask
            }
            return true
        }
        if removed { count -= 1 }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        slots.withUnsafeMutableBufferPointer { s in
            for i in s.indices { s[i].value = -1 }
        }
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: .placeholder, value: -1), count: old.count * 2)
        count = 0
        for slot in old where slot.value >= 0 { set(slot.key, to: Int(slot.value)) }
    }
}
