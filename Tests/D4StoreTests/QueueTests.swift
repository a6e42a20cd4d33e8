import D4Store
import Foundation
import XCTest

final class QueueTests: XCTestCase {
    func testDefineReplaceListRemove() async throws {
        let (store, _) = try makeStore()
        let sensor = sensorUUID()
        let ja3 = QueueDefinition(name: "ja3.analyzer_1", type: 254, metaType: "ja3-jl", sensors: [sensor], capacity: 5_000, dropPolicy: "drop-oldest")
        let pcap = QueueDefinition(name: "backscatter", type: 1, capacity: 10_000)
        try await store.defineQueue(ja3)
        try await store.defineQueue(pcap)
        var queues = try await store.queues()
        XCTAssertEqual(queues, [pcap, ja3])
        XCTAssertEqual(pcap.dropPolicy, "block")
        XCTAssertEqual(pcap.sensors, [], "empty = every sensor")

        var changed = pcap
        changed.capacity = 1
        changed.dropPolicy = "drop-newest"
        try await store.defineQueue(changed)
        queues = try await store.queues()
        XCTAssertEqual(queues, [changed, ja3])

        try await store.removeQueue("backscatter")
        queues = try await store.queues()
        XCTAssertEqual(queues, [ja3])
        await assertThrowsStoreError(.queueNotFound("backscatter")) { try await store.removeQueue("backscatter") }
    }

    func testInvalidQueuesRejected() async throws {
        let (store, _) = try makeStore()
        let invalid: [(QueueDefinition, String)] = [
            (QueueDefinition(name: "", type: 1, capacity: 1), "queue name \"\" is invalid: use 1…64 of A-Z a-z 0-9 . _ -"),
            (QueueDefinition(name: "a/b", type: 1, capacity: 1), "queue name \"a/b\" is invalid: use 1…64 of A-Z a-z 0-9 . _ -"),
            (QueueDefinition(name: String(repeating: "q", count: 65), type: 1, capacity: 1), "use 1…64"),
            (QueueDefinition(name: "q", type: 256, capacity: 1), "type 256 is outside 0…255"),
            (QueueDefinition(name: "q", type: -1, capacity: 1), "type -1 is outside 0…255"),
            (QueueDefinition(name: "q", type: 1, capacity: 0), "queue \"q\": capacity 0 must be at least 1 frame"),
            (QueueDefinition(name: "q", type: 1, capacity: 1, dropPolicy: "drop-all"),
             "queue \"q\": drop policy \"drop-all\" is invalid: use one of block, drop-newest, drop-oldest"),
            (QueueDefinition(name: "q", type: 254, metaType: "bad\u{1}meta", capacity: 1),
             "is invalid: use 1…64 bytes without control characters"),
            (QueueDefinition(name: "q", type: 254, metaType: String(repeating: "m", count: 65), capacity: 1),
             "is invalid: use 1…64 bytes without control characters"),
        ]
        for (queue, message) in invalid {
            let error = await assertThrowsStoreError { try await store.defineQueue(queue) }
            XCTAssertTrue(error?.description.contains(message) ?? false, "\(String(describing: error)) should contain \(message)")
        }
        let queues = try await store.queues()
        XCTAssertTrue(queues.isEmpty)
    }
}
