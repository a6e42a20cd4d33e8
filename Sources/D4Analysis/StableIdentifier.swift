import D4Basics
import PacketCapture

/// Deterministic UUID text for a result (an attack is named by its victim and start), so that the same
/// capture analysed twice yields the same identifiers (MISP events deduplicate on them).
/// RFC 9562 version 8 ("custom"): 122 bits from two FNV-1a-64 hashes with different offsets.
enum StableIdentifier {
    static func uuid(victim: IPAddress, start: Double, salt: String = "attack") -> String {
        var bytes: [UInt8] = Array(salt.utf8)
        switch victim {
        case .v4(let v): withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
        case .v6(let h, let l):
            withUnsafeBytes(of: h.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: l.bigEndian) { bytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: Int64((start * 1_000_000).rounded()).bigEndian) { bytes.append(contentsOf: $0) }
        var high = fnv1a(bytes, offset: 0xCBF2_9CE4_8422_2325)
        var low = fnv1a(bytes, offset: 0x84222325_CBF29CE4)
        high = (high & ~0xF000) | 0x8000                       // version 8
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000   // RFC variant
        func hex(_ v: UInt64, _ digits: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        return hex(high >> 32, 8) + "-" + hex((high >> 16) & 0xFFFF, 4) + "-" + hex(high & 0xFFFF, 4) + "-"
            + hex(low >> 48, 4) + "-" + hex(low & 0xFFFF_FFFF_FFFF, 12)
    }

    private static func fnv1a(_ bytes: [UInt8], offset: UInt64) -> UInt64 {
        var hash = offset
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        // Final avalanche so that nearby inputs differ in every nibble.
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}
