import Foundation
import Synchronization

/// Session numbers, unique on this node and across restarts: the start time in milliseconds, then
/// counted up, so two sessions of a sensor starting in the same second never share a file name.
final class SessionIDSource: Sendable {
    private let next_ = Atomic<UInt64>(UInt64(Date().timeIntervalSince1970 * 1000))
    func next() -> UInt64 { next_.add(1, ordering: .relaxed).newValue }
}
