import D4Basics
import PacketCapture

/// Sources recently seen scanning, so that their backscatter-shaped packets (an ACK scan, RSTs of a
/// scanner's own stack, …) are not counted as backscatter — the filter CIRCL's PIBS applies.
///
/// Bounded and expiring without per-entry timestamps: two generations of sets. Inserts go to the
/// current one; when it is older than `retention` or holds `capacity` sources, it becomes the previous
/// one and the old previous one is dropped. A source is thus remembered at least `retention` seconds
/// after its last scan packet (unless more than `capacity` other scanners arrive first) and at most
/// twice that; memory stays below 2 × capacity entries.
public struct ScannerMemory: Sendable {
    public let capacity: Int
    public let retention: Double
    private var current: AddressSet
    private var previous: AddressSet
    private var generationStart: Double = -.infinity
    public private(set) var rotations = 0

    public init(capacity: Int = 262_144, retention: Double = 3600) {
        self.capacity = max(1, capacity)
        self.retention = retention
        current = AddressSet(minimumCapacity: min(self.capacity, 65_536))
        previous = AddressSet(minimumCapacity: min(self.capacity, 65_536))
    }

    public var count: Int { current.count + previous.count }

    @inline(__always)
    public mutating func remember(_ source: IPAddress, at time: Double) {
        if generationStart == -.infinity { generationStart = time }
        if time - generationStart >= retention || current.count >= capacity { rotate(at: time) }
        current.insert(source)
    }

    /// Whether `source` scanned within the retention window before `time`. Lazy expiry: a generation
    /// that has aged out is ignored here even if no insert has rotated it away yet.
    @inline(__always)
    public func contains(_ source: IPAddress, at time: Double) -> Bool {
        let age = time - generationStart
        // An empty generation is not looked up: its table would still cost a cache miss.
        if age < retention, previous.count > 0, previous.contains(source) { return true }
        return age < 2 * retention && current.contains(source)
    }

    private mutating func rotate(at time: Double) {
        swap(&current, &previous)
        current.removeAll()
        generationStart = time
        rotations += 1
    }
}
