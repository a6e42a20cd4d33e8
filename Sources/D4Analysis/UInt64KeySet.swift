import PacketCapture

/// A set of non-zero 64-bit keys in one flat array of words (0 marks an empty slot): the compact
/// form of IPv4-keyed tables, 8 bytes a slot, so that large tables stay in the CPU cache longer.
/// Open addressing with linear probing, load ≤ ½, no deletion (emptied whole).
struct UInt64KeySet: Sendable {
    private var slots: [UInt64]
    private(set) var count = 0
    private let seed = fastHashSeed

    init(minimumCapacity: Int = 8) {
        let capacity = openAddressingCapacity(for: minimumCapacity)
        slots = [UInt64](repeating: 0, count: capacity)
    }

    /// Inserts `key` (must not be 0); true when it was new.
    @inline(__always) @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let inserted = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: mixBits(key ^ seed)) & mask
            while true {
                let current = s[i]
                if current == key { return false }
                if current == 0 {
                    s[i] = key
                    return true
                }
                i = (i + 1) & mask
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
        // Plain indexing: a buffer-pointer closure on a non-mutating path retains the storage.
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: mixBits(key ^ seed)) & mask
        while true {
            let current = slots[i]
            if current == key { return true }
            if current == 0 { return false }
            i = (i + 1) & mask
        }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        count = 0
    }

    func forEach(_ body: (UInt64) -> Void) {
        for key in slots where key != 0 { body(key) }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = 0
        for key in old where key != 0 { insert(key) }
    }
}

/// A set of addresses: IPv4 in a compact `UInt64KeySet`, IPv6 in a `FastSet`.
struct AddressSet: Sendable {
    private var v4: UInt64KeySet
    private var v6 = FastSet<IPAddress>()

    init(minimumCapacity: Int = 8) { v4 = UInt64KeySet(minimumCapacity: minimumCapacity) }

    var count: Int { v4.count + v6.count }

    @inline(__always) @discardableResult
    mutating func insert(_ address: IPAddress) -> Bool {
        if case .v4(let value) = address { return v4.insert(UInt64(value) | 1 << 32) }
        return v6.insert(address)
    }

    @inline(__always)
    func contains(_ address: IPAddress) -> Bool {
        if case .v4(let value) = address { return v4.contains(UInt64(value) | 1 << 32) }
        return v6.contains(address)
    }

    mutating func removeAll() {
        v4.removeAll()
        v6.removeAll()
    }

    func forEach(_ body: (IPAddress) -> Void) {
        v4.forEach { body(.v4(UInt32(truncatingIfNeeded: $0))) }
        v6.forEach(body)
    }
}
