import D4Protocol
import Foundation
import NIOConcurrencyHelpers

/// The open connections of this server: enforces one connection per (sensor, type) — types 2 and
/// 254 excepted — and lets admin changes (block, kick, blocklist) reach connections already open.
///
/// Single node only: with several nodes behind a load balancer, the (sensor, type) rule would need
/// the shared store (a lease row); the interface keeps that possible.
final class ConnectionRegistry: Sendable {
    struct Entry: Sendable {
        var sourceIP: String
        var uuid: UUID?
        var type: FrameType?
        /// Runs on the connection's event loop: closes it with a reason.
        var close: @Sendable (CloseReason) -> Void
    }

    private struct Slot: Hashable { var uuid: UUID; var type: FrameType }
    private struct State {
        var slots: Set<Slot> = []
        var entries: [Int: Entry] = [:]
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func register(sourceIP: String, close: @escaping @Sendable (CloseReason) -> Void) -> Int {
        state.withLockedValue { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(sourceIP: sourceIP, close: close)
            return state.nextID
        }
    }

    /// Claims the (uuid, type) slot for connection `id`; false when another connection holds it.
    func claim(id: Int, uuid: UUID, type: FrameType) -> Bool {
        state.withLockedValue { state in
            if type != .metaHeader, type != .extended {
                guard state.slots.insert(Slot(uuid: uuid, type: type)).inserted else { return false }
            }
            state.entries[id]?.uuid = uuid
            state.entries[id]?.type = type
            return true
        }
    }

    func unregister(id: Int) {
        state.withLockedValue { state in
            guard let entry = state.entries.removeValue(forKey: id) else { return }
            if let uuid = entry.uuid, let type = entry.type, type != .metaHeader, type != .extended {
                state.slots.remove(Slot(uuid: uuid, type: type))
            }
        }
    }

    var entries: [Entry] { state.withLockedValue { Array($0.entries.values) } }
    var count: Int { state.withLockedValue { $0.entries.count } }
}
