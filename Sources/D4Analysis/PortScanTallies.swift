/// Scan packets and distinct scanners per target port for one botnet period, in flat arrays.
///
/// A port slot is `protocol side × 65,536 + port` (TCP at 0..<65,536, UDP at 65,536..<131,072). Each
/// slot seen gets a tally number on first use: its packet count and a HyperLogLog sketch of precision
/// 8 (256 one-byte registers, ≈ 6.5 % error, near-exact for small counts) at `number * 256` of one
/// register array. A scan packet touches a 4-byte entry of the slot table (512 KiB for every port, not
/// the 2 MiB of a table holding the counts itself) and then the dense arrays of the ports seen; no
/// per-port array, so no nested uniqueness check or header read. Estimates are computed from the
/// registers when a period is summarised, once per port and period.
struct PortScanTallies: Sendable {
    static let slotCount = 131_072
    static let precision = 8
    static let registerCount = 1 << precision

    /// Tally number of each slot, -1 while the slot has none.
    private var tallyOfSlot = [Int32](repeating: -1, count: slotCount)
    private var slotOfTally: [Int] = []
    private var packets: [Int] = []
    private var registers: [UInt8] = []

    /// Ports with a tally (kept across `clear()`).
    var tallyCount: Int { slotOfTally.count }

    /// Counts one scan packet to `slot` (must be in 0..<slotCount) from a source whose
    /// `DistinctAddressEstimator.hash` is `hash`.
    @inline(__always)
    mutating func add(slot: Int, hash: UInt64) {
        var tally = Int(tallyOfSlot.withUnsafeBufferPointer { $0[slot] })
        if tally < 0 { tally = addTally(slot: slot) }
        packets.withUnsafeMutableBufferPointer { $0[tally] &+= 1 }
        let index = tally &* Self.registerCount &+ DistinctAddressEstimator.registerIndex(hash, precision: Self.precision)
        let rank = DistinctAddressEstimator.rank(hash, precision: Self.precision)
        // Read first: once a port has seen its scanners, a register rarely grows, and only a write
        // pays the uniqueness check of the storage.
        guard rank > registers.withUnsafeBufferPointer({ $0[index] }) else { return }
        registers.withUnsafeMutableBufferPointer { $0[index] = rank }
    }

    private mutating func addTally(slot: Int) -> Int {
        let tally = slotOfTally.count
        tallyOfSlot[slot] = Int32(tally)
        slotOfTally.append(slot)
        packets.append(0)
        registers.append(contentsOf: repeatElement(0, count: Self.registerCount))
        return tally
    }

    /// Adds `other`'s packets and sources (the union of the sketches) port by port.
    mutating func merge(_ other: PortScanTallies) {
        for (theirs, slot) in other.slotOfTally.enumerated() where other.packets[theirs] != 0 {
            var mine = Int(tallyOfSlot[slot])
            if mine < 0 { mine = addTally(slot: slot) }
            packets[mine] += other.packets[theirs]
            let base = mine * Self.registerCount, otherBase = theirs * Self.registerCount
            for i in 0 ..< Self.registerCount where other.registers[otherBase + i] > registers[base + i] {
                registers[base + i] = other.registers[otherBase + i]
            }
        }
    }

    /// Every port with packets: slot, estimated distinct sources, packets.
    var entries: [(slot: Int, sources: Int, packets: Int)] {
        slotOfTally.indices.filter { packets[$0] > 0 }.map { tally in
            (slot: slotOfTally[tally], sources: Int(estimate(tally)), packets: packets[tally])
        }
    }

    private func estimate(_ tally: Int) -> UInt64 {
        var sum = 0.0
        var zeros = 0
        for r in registers[tally * Self.registerCount ..< (tally + 1) * Self.registerCount] {
            sum += DistinctAddressEstimator.inversePower(r)
            if r == 0 { zeros += 1 }
        }
        return DistinctAddressEstimator.estimate(registerCount: Double(Self.registerCount), inverseSum: sum,
                                                 zeroRegisters: zeros)
    }

    /// Zeroes every count, keeping the ports' tallies (and the storage: memory stays flat period after
    /// period, bounded by the 131,072 slots).
    mutating func clear() {
        packets.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        registers.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
