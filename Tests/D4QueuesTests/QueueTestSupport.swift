import D4Queues
import Foundation

/// Shared helpers: fixed sensors and items with recognisable payloads.
enum QueueFixtures {
    static let sensorA = UUID(uuidString: "3f7c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b")!
    static let sensorB = UUID(uuidString: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")!

    static func item(_ number: Int, sensor: UUID = sensorA, type: UInt8 = 1, metaType: String? = nil,
                     session: UInt64 = 1, end: Bool = false) -> QueueItem {
        QueueItem(sensor: sensor, type: type, metaType: metaType, session: session,
                  timestamp: 1_700_000_000 + UInt64(number), payload: Array("item-\(number)".utf8), isSessionEnd: end)
    }

    static func payloadText(_ item: QueueItem) -> String {
        String(decoding: item.payload, as: UTF8.self)
    }

    /// Takes everything queued right now (the queue must hold at least `count` items, or this waits).
    static func take(_ count: Int, from subscription: QueueSubscription) async -> [QueueItem] {
        var items: [QueueItem] = []
        while items.count < count, let batch = await subscription.next(maxCount: count - items.count) {
            items += batch
        }
        return items
    }

    /// A short socket path (Unix socket paths are limited to about 100 bytes).
    static func socketPath() throws -> (folder: URL, path: String) {
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("d4q-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (folder, folder.appendingPathComponent("run/queues.sock").path)
    }
}
