/// One interface declared by a pcapng Interface Description Block: link type, snaplen and how to turn
/// its 64-bit timestamps into seconds + nanoseconds.
struct PcapngInterface: Sendable {
    var linkType: UInt16
    var snaplen: UInt32
    /// Timestamp units per second (10^k or 2^k from `if_tsresol`; 10^6 by default).
    var unitsPerSecond: UInt64 = 1_000_000
    /// `if_tsoffset`: seconds to add to every timestamp.
    var offsetSeconds: Int64 = 0

    /// Converts `if_tsresol` to units per second; nil when it cannot be counted in 64 bits.
    static func unitsPerSecond(tsresol: UInt8) -> UInt64? {
        let exponent = Int(tsresol & 0x7F)
        if tsresol & 0x80 != 0 {
            return exponent < 64 ? UInt64(1) << UInt64(exponent) : nil
        }
        guard exponent <= 19 else { return nil }
        var value: UInt64 = 1
        for _ in 0 ..< exponent { value &*= 10 }
        return value
    }

    @inline(__always)
    func timestamp(_ units: UInt64) -> (seconds: Int64, nanoseconds: UInt32) {
        if unitsPerSecond == 1_000_000 {
            let (q, r) = units.quotientAndRemainder(dividingBy: 1_000_000)
            return (Int64(truncatingIfNeeded: q) &+ offsetSeconds, UInt32(truncatingIfNeeded: r &* 1000))
        }
        let (q, r) = units.quotientAndRemainder(dividingBy: unitsPerSecond)
        // r < unitsPerSecond, so r × 10^9 / unitsPerSecond < 10^9: the 128-bit division cannot overflow.
        let product = r.multipliedFullWidth(by: 1_000_000_000)
        let nanos = unitsPerSecond.dividingFullWidth(product).quotient
        return (Int64(truncatingIfNeeded: q) &+ offsetSeconds, UInt32(truncatingIfNeeded: nanos))
    }
}
