import D4Basics
import PacketCapture

/// A key for `FastSet`: equality plus a cheap 64-bit hash (a couple of multiplies instead of SipHash),
/// and a placeholder value for empty slots.
protocol FastHashKey: Equatable, Sendable {
    func fastHash(seed: UInt64) -> UInt64
    static var placeholder: Self { get }
}

/// Hash seed chosen per process, so that nobody can pick spoofed addresses that collide on purpose.
/// Tables copy it at creation: reading a lazily initialised global costs a `swift_once` check per
/// access, which showed up per packet.
let fastHashSeed = UInt64.random(in: UInt64.min ... UInt64.max)

/// splitmix64's finaliser: spreads every input bit over the whole word.
@inline(__always)
func mixBits(_ x0: UInt64) -> UInt64 {
    var x = x0
    x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
    return x ^ (x >> 31)
}

extension IPAddress: FastHashKey {
    @inline(__always)
    func fastHash(seed: UInt64) -> UInt64 {
        switch self {
        case .v4(let v): mixBits(UInt64(v) ^ seed)
        case .v6(let high, let low): mixBits(high ^ mixBits(low ^ seed) ^ 0x6A09_E667_F3BC_C909)
        }
    }

    static var placeholder: IPAddress { .v4(0) }
}

/// Slots for an open-addressing table of at least `minimumCapacity` keys at load ≤ ½: a power of two
/// (the hash is masked, not divided), at least 16.
func openAddressingCapacity(for minimumCapacity: Int) -> Int {
    var capacity = 16
    while capacity < minimumCapacity * 2 { capacity <<= 1 }
    return capacity
}

/// A set for the per-packet path: open addressing with linear probing in one flat array, load ≤ ½,
/// no deletion (tables are emptied whole). Allocates only when it grows.
struct FastSet<Key: FastHashKey>: Sendable {
    private struct Slot: Sendable {
        var key: Key
        var used: Bool
    }

    private var slots: [Slot]
    private(set) var count = 0
    private let seed = fastHashSeed

    init(minimumCapacity: Int = 8) {
        let capacity = openAddressingCapacity(for: minimumCapacity)
        slots = [Slot](repeating: Slot(key: .placeholder, used: false), count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// Inserts `key`; true when it was not there yet.
    @inline(__always) @discardableResult
    mutating func insert(_ key: Key) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let inserted = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: key.fastHash(seed: seed)) & mask
            while s[i].used {
                if s[i].key == key { return false }
                i = (i + 1) & mask
            }
            s[i] = Slot(key: key, used: true)
            return true
        }
        if inserted { count += 1 }
        return inserted
    }

    @inline(__always)
    func contains(_ key: Key) -> Bool {
        slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: key.fastHash(seed: seed)) & mask
            while s[i].used {
                if s[i].key == key { return true }
                i = (i + 1) & mask
            }
            return false
        }
    }

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        guard count > 0 else { return }
        slots.withUnsafeMutableBufferPointer { s in
            for i in s.indices { s[i].used = false }
        }
        count = 0
    }

    func forEach(_ body: (Key) -> Void) {
        for slot in slots where slot.used { body(slot.key) }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: .placeholder, used: false), count: old.count * 2)
        count = 0
        for slot in old where slot.used { insert(slot.key) }
    }
}
