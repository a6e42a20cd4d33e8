import D4Basics
import PacketCapture

/// A set of addresses: IPv4 in a compact `IPv4KeySet`, IPv6 in a `FastSet`.
struct AddressSet: Sendable {
    private var v4: IPv4KeySet
    private var v6 = FastSet<IPAddress>()

    init(minimumCapacity: Int = 8) { v4 = IPv4KeySet(minimumCapacity: minimumCapacity) }

    var count: Int { v4.count + v6.count }

    @inline(__always) @discardableResult
    mutating func insert(_ address: IPAddress) -> Bool {
        if case .v4(let value) = address { return v4.insert(value) }
        return v6.insert(address)
    }

    @inline(__always)
    func contains(_ address: IPAddress) -> Bool {
        if case .v4(let value) = address { return v4.contains(value) }
        return v6.contains(address)
    }

    /// Room for `total` addresses (IPv4 ones: see `IPv4KeySet.reserveCapacity`).
    mutating func reserveCapacity(_ total: Int) { v4.reserveCapacity(total) }

    mutating func removeAll() {
        v4.removeAll()
        v6.removeAll()
    }

    func forEach(_ body: (IPAddress) -> Void) {
        v4.forEach { body(.v4($0)) }
        v6.forEach(body)
    }
}
