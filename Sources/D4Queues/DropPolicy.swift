/// What a full queue does with the next frame. Only an operator's explicit choice of a `drop-…` policy
/// loses data; every loss is counted in `QueueStatistics.dropped`.
public enum DropPolicy: String, Sendable, Codable, CaseIterable {
    /// Backpressure: ingest stops reading the sensor's connection until the queue has room. Applies
    /// only while the queue has at least one consumer — with nobody reading, waiting would stall the
    /// sensor forever, so an unconsumed `block` queue keeps its newest `capacity` frames (drop oldest).
    case block
    /// Evict the oldest queued frame to make room for the new one.
    case dropOldest = "drop-oldest"
    /// Keep what is queued and discard the new frame.
    case dropNewest = "drop-newest"
}
