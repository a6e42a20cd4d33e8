/// Counts what the dissector could not turn into packets: per malformation reason, per unsupported
/// link type, and non-IP frames, so nothing is lost silently. Counting allocates only the first time
/// an unsupported link type is seen.
public struct MalformedCounters: Hashable, Sendable {
    /// Frames dissected into an IP packet.
    public var packets: Int { packetCount }
    public var notIP: Int { notIPCount }
    public var unsupportedLinkTypes: [UInt16: Int] { unsupportedCounts }

    // Stored counts, visible to the inlinable `count` functions.
    @usableFromInline var packetCount = 0
    @usableFromInline var notIPCount = 0
    @usableFromInline var unsupportedCounts: [UInt16: Int] = [:]
    @usableFromInline var reasonCounts = [Int](repeating: 0, count: MalformedReason.allCases.count)

    public init() {}

    /// Inlinable, like `PacketDissector.dissect(linkType:bytes:)`, so that counting a fresh result
    /// does not materialise the 153-byte enum.
    @inlinable
    public mutating func count(_ result: DissectionResult) {
        switch result {
        case .packet: packetCount += 1
        case .notIP: notIPCount += 1
        case .unsupportedLinkType(let linkType): unsupportedCounts[linkType, default: 0] += 1
        case .malformed(let reason): reasonCounts[reason.index] += 1
        }
    }

    /// The same, for the status of `PacketDissector.dissect(linkType:bytes:into:)`.
    @inlinable
    public mutating func count(status: DissectionStatus) {
        switch status {
        case .packet: packetCount += 1
        case .notIP: notIPCount += 1
        case .unsupportedLinkType(let linkType): unsupportedCounts[linkType, default: 0] += 1
        case .malformed(let reason): reasonCounts[reason.index] += 1
        }
    }

    public subscript(reason: MalformedReason) -> Int { reasonCounts[reason.index] }

    /// Non-zero counts per reason.
    public var byReason: [MalformedReason: Int] {
        var out: [MalformedReason: Int] = [:]
        for reason in MalformedReason.allCases where reasonCounts[reason.index] > 0 {
            out[reason] = reasonCounts[reason.index]
        }
        return out
    }

    public var malformedTotal: Int { reasonCounts.reduce(0, +) }
    public var unsupportedTotal: Int { unsupportedLinkTypes.values.reduce(0, +) }
    /// Every frame counted, whatever its outcome.
    public var total: Int { packets + notIP + malformedTotal + unsupportedTotal }

    public mutating func merge(_ other: MalformedCounters) {
        packetCount += other.packetCount
        notIPCount += other.notIPCount
        for (linkType, count) in other.unsupportedCounts { unsupportedCounts[linkType, default: 0] += count }
        for i in reasonCounts.indices { reasonCounts[i] += other.reasonCounts[i] }
    }
}
