import D4Basics
import Foundation
import PacketCapture

/// Estimates how many distinct addresses were seen, in fixed memory and without a table of them:
/// a HyperLogLog sketch of 2^precision registers (precision 12: 4 KiB, standard error ≈ 1.6 %;
/// precision 8: 256 bytes, ≈ 6.5 %; small counts use linear counting and are close to exact).
/// Used to guess the telescope's size when `--monitored` is absent, for the sensor addresses of big
/// attacks, and for distinct scanners per port in the botnet report.
public struct DistinctAddressEstimator: Sendable, Hashable {
    private let precision: Int
    private var registers: [UInt8]
    /// Σ 2^-register and the number of zero registers, kept as registers change: the estimate is read
    /// on every expiry sweep of a live analyzer, and summing 4,096 registers each time cost more than
    /// all the inserts together.
    private var inverseSum: Double
    private var zeroRegisters: Int

    public init(precision: Int = 12) {
        self.precision = min(max(precision, 4), 16)
        registers = [UInt8](repeating: 0, count: 1 << self.precision)
        inverseSum = Double(1 << self.precision)
        zeroRegisters = 1 << self.precision
    }

    /// The hash `insert` uses; compute it once to feed several sketches.
    @inline(__always)
    public static func hash(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let v): mix(UInt64(v) &+ 0x9E37_79B9_7F4A_7C15)
        case .v6(let h, let l): mix(h ^ mix(l))
        }
    }

    @inline(__always)
    public mutating func insert(_ address: IPAddress) { insert(hash: Self.hash(address)) }

    @inline(__always)
    public mutating func insert(hash: UInt64) {
        let index = Self.registerIndex(hash, precision: precision)
        let rank = Self.rank(hash, precision: precision)
        let old = registers.withUnsafeBufferPointer { $0[index] }
        guard rank > old else { return }
        registers.withUnsafeMutableBufferPointer { $0[index] = rank }
        inverseSum += Self.inversePower(rank) - Self.inversePower(old)
        if old == 0 { zeroRegisters -= 1 }
    }

    // The register math, shared with `PortScanTallies`. Masking shifts (`&>>`, `&<<`): precision is
    // 4...16, and the checked shifts with a run-time amount cost more than the rest of an insert.

    /// The register a hash goes to: its top `precision` bits.
    @inline(__always)
    static func registerIndex(_ hash: UInt64, precision: Int) -> Int {
        Int(truncatingIfNeeded: hash &>> UInt64(truncatingIfNeeded: 64 - precision))
    }

    /// 1 + the leading zeros of the remaining bits (a guard bit bounds it).
    @inline(__always)
    static func rank(_ hash: UInt64, precision: Int) -> UInt8 {
        let shift = UInt64(truncatingIfNeeded: precision)
        let rest = hash &<< shift | 1 &<< (shift &- 1)
        return UInt8(truncatingIfNeeded: rest.leadingZeroBitCount &+ 1)
    }

    /// 2^-r, exact for every register value (ranks stay below 64).
    @inline(__always)
    static func inversePower(_ r: UInt8) -> Double {
        Double(sign: .plus, exponent: -Int(r), significand: 1)
    }

    /// The HyperLogLog estimate from Σ 2^-register and the count of zero registers over `m` registers
    /// (linear counting while the raw estimate is small).
    static func estimate(registerCount m: Double, inverseSum sum: Double, zeroRegisters zeros: Int) -> UInt64 {
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 {
            return UInt64((m * log(m / Double(zeros))).rounded())
        }
        return UInt64(raw.rounded())
    }

    private mutating func recount() {
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += Self.inversePower(r)
            if r == 0 { zeros += 1 }
        }
        inverseSum = sum
        zeroRegisters = zeros
    }

    /// Adds everything `other` saw (same precision): the union's estimate.
    public mutating func merge(_ other: DistinctAddressEstimator) {
        guard other.precision == precision else { return }
        for i in registers.indices where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
        recount()
    }

    public mutating func removeAll() {
        registers.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        inverseSum = Double(registers.count)
        zeroRegisters = registers.count
    }

    public var estimate: UInt64 {
        Self.estimate(registerCount: Double(registers.count), inverseSum: inverseSum, zeroRegisters: zeroRegisters)
    }

    // Equal when the registers are: the running sum is derived from them (and may differ in its last
    // bits by the order of updates).
    public static func == (a: Self, b: Self) -> Bool { a.precision == b.precision && a.registers == b.registers }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(precision)
        hasher.combine(registers)
    }

    /// splitmix64 finaliser: spreads consecutive addresses over all bits.
    @inline(__always)
    static func mix(_ x0: UInt64) -> UInt64 {
        var x = x0
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }
}
