import Foundation

/// One frame's payload as a queue hands it to a consumer.
public struct QueueItem: Sendable, Equatable {
    public var sensor: UUID
    public var type: UInt8
    /// The meta header's type for type-254 frames; nil otherwise.
    public var metaType: String?
    /// One value per sensor connection: a consumer re-assembles one session's bytes in order, because
    /// frame boundaries are arbitrary (a pcap record or a text line may span two items).
    public var session: UInt64
    /// Set by the queue when the item is enqueued: 1, 2, 3… per queue (the publisher's value is ignored).
    public var sequence: UInt64
    /// The frame's timestamp (seconds since the epoch).
    public var timestamp: UInt64
    /// The frame's payload bytes.
    public var payload: [UInt8]
    /// The connection ended: the consumer flushes what it holds of this session. Such markers are never
    /// dropped or blocked (there is at most one per connection, so they cannot grow memory unboundedly).
    public var isSessionEnd: Bool

    public init(sensor: UUID, type: UInt8, metaType: String? = nil, session: UInt64, sequence: UInt64 = 0,
                timestamp: UInt64, payload: [UInt8], isSessionEnd: Bool = false) {
        self.sensor = sensor
        self.type = type
        self.metaType = metaType
        self.session = session
        self.sequence = sequence
        self.timestamp = timestamp
        self.payload = payload
        self.isSessionEnd = isSessionEnd
    }
}
