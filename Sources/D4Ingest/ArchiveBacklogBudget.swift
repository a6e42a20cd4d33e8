import Synchronization

/// How many payload bytes one connection may have waiting for its archive session before it stops
/// reading its socket. Each session may hold up to `sessionCeiling`, but all sessions together
/// share `total`: with 1,000 sensors each gets a smaller share (never less than `sessionFloor`), so
/// the server's memory stays flat however many sensors connect.
///
/// The waiting payloads are slices of the TLS layer's receive buffers and keep those whole buffers
/// alive, so the budget is kept well under the memory it protects. 64 MiB still lets one fast
/// sensor run 8 MiB ahead of its disk writes.
final class ArchiveBacklogBudget: Sendable {
    static let sessionCeiling = 8 << 20
    static let sessionFloor = 64 << 10

    let total: Int
    private let sessions = Atomic<Int>(0)

    init(total: Int = 64 << 20) {
        self.total = total
    }

    func sessionOpened() { sessions.add(1, ordering: .relaxed) }
    func sessionClosed() { sessions.subtract(1, ordering: .relaxed) }

    /// The pause mark for one session now.
    var pauseAboveBytes: Int {
        let share = total / max(1, sessions.load(ordering: .relaxed))
        return min(Self.sessionCeiling, max(Self.sessionFloor, share))
    }
}
