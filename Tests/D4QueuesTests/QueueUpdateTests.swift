@testable import D4Queues
import XCTest

final class QueueUpdateTests: XCTestCase {
    typealias F = QueueFixtures

    func testUpdateAddsRemovesAndChangesQueuesAtRunTime() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "keep", type: 1, capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "remove", type: 1, capacity: 10, dropPolicy: .dropOldest),
        ])
        for number in 1...3 { _ = hub.publish(F.item(number)) }
        let removed = try hub.subscribe("remove")
        let parked = Task { () -> [QueueItem]? in
            _ = await F.take(3, from: removed)
            return await removed.next(maxCount: 1)  // parks: the queue is empty
        }

        hub.update(specs: [
            QueueSpec(name: "keep", type: 1, capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "added", type: 3, capacity: 2, dropPolicy: .dropNewest),
        ])
        let ended = await parked.value
        XCTAssertNil(ended)
        XCTAssertEqual(hub.statistics().map(\.name), ["added", "keep"])
        XCTAssertEqual(hub.statistics().first { $0.name == "keep" }?.depth, 3)
        XCTAssertThrowsError(try hub.subscribe("remove"))

        _ = hub.publish(F.item(4, type: 3))
        XCTAssertEqual(hub.statistics().first { $0.name == "added" }?.depth, 1)

        // A changed filter applies to new frames; queued items stay.
        hub.update(specs: [
            QueueSpec(name: "keep", type: 1, sensors: [F.sensorB], capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "added", type: 3, capacity: 2, dropPolicy: .dropNewest),
        ])
        _ = hub.publish(F.item(5, sensor: F.sensorA))
        _ = hub.publish(F.item(6, sensor: F.sensorB))
        let keep = try hub.subscribe("keep")
        let taken1 = await F.take(4, from: keep).map(F.payloadText)
        XCTAssertEqual(taken1, ["item-1", "item-2", "item-3", "item-6"])
        XCTAssertEqual(hub.statistics().first { $0.name == "keep" }?.dropped, 0)
    }

    func testLoweredCapacityDropsNothingButRefusesUntilDrained() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 5, dropPolicy: .block)])
        let subscription = try hub.subscribe("q")
        for number in 1...5 { XCTAssertEqual(hub.publish(F.item(number)), .accepted) }
        hub.update(specs: [QueueSpec(name: "q", type: 1, capacity: 2, dropPolicy: .block)])
        XCTAssertEqual(hub.statistics().first?.depth, 5)
        XCTAssertEqual(hub.publish(F.item(6)), .full)
        _ = await F.take(4, from: subscription)
        XCTAssertEqual(hub.publish(F.item(6)), .accepted)
        XCTAssertEqual(hub.statistics().first?.consumers, 1)
        XCTAssertEqual(hub.statistics().first?.dropped, 0)
    }

    func testRemovingABlockingQueueReleasesWaitingPublishers() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 1, dropPolicy: .block)])
        let subscription = try hub.subscribe("q")
        _ = hub.publish(F.item(1))
        let waiter = Task { await hub.waitForSpace(for: F.item(2)) }
        hub.update(specs: [])
        await waiter.value
        XCTAssertEqual(hub.publish(F.item(2)), .accepted)
        let afterRemoval = await subscription.next(maxCount: 1)
        XCTAssertNil(afterRemoval)
    }

    func testReaddedQueueOfTheSameNameIsANewQueue() async throws {
        let spec = QueueSpec(name: "q", type: 1, capacity: 3)
        let hub = QueueHub(specs: [spec])
        let old = try hub.subscribe("q")
        hub.update(specs: [])
        hub.update(specs: [spec])
        _ = hub.publish(F.item(1))
        let fromOld = await old.next(maxCount: 1)
        XCTAssertNil(fromOld)
        XCTAssertEqual(hub.statistics().first?.consumers, 0)
    }
}
