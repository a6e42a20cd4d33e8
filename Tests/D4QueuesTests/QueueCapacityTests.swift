@testable import D4Queues
import XCTest

final class QueueCapacityTests: XCTestCase {
    typealias F = QueueFixtures

    func testDropOldestKeepsTheNewestAndCountsEveryDrop() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 3, dropPolicy: .dropOldest)])
        let subscription = try hub.subscribe("q")
        for number in 1...10 {
            XCTAssertEqual(hub.publish(F.item(number)), .accepted)
        }
        let statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.depth, 3)
        XCTAssertEqual(statistics.dropped, 7)
        XCTAssertEqual(statistics.enqueued, 10)
        let items = await F.take(3, from: subscription)
        XCTAssertEqual(items.map(F.payloadText), ["item-8", "item-9", "item-10"])
        // Sequence numbers show the gap the drops left.
        XCTAssertEqual(items.map(\.sequence), [8, 9, 10])
    }

    func testDropNewestKeepsTheOldestAndCountsEveryDrop() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 4, dropPolicy: .dropNewest)])
        let subscription = try hub.subscribe("q")
        for number in 1...9 {
            XCTAssertEqual(hub.publish(F.item(number)), .accepted)
        }
        let statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.depth, 4)
        XCTAssertEqual(statistics.dropped, 5)
        XCTAssertEqual(statistics.enqueued, 4)
        let items = await F.take(4, from: subscription)
        XCTAssertEqual(items.map(F.payloadText), ["item-1", "item-2", "item-3", "item-4"])
        // Room again: the next frame is taken, with a sequence number after the refused ones.
        XCTAssertEqual(hub.publish(F.item(10)), .accepted)
        let taken1 = await F.take(1, from: subscription).map(\.sequence)
        XCTAssertEqual(taken1, [10])
    }

    func testBlockRefusesWhenFullAndWaitForSpaceResumesAfterAConsumerReads() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 2, dropPolicy: .block)])
        let subscription = try hub.subscribe("q")
        XCTAssertEqual(hub.publish(F.item(1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(2)), .accepted)
        XCTAssertEqual(hub.publish(F.item(3)), .full)
        XCTAssertEqual(hub.publish(F.item(3)), .full)
        var statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.depth, 2)
        XCTAssertEqual(statistics.dropped, 0)
        XCTAssertTrue(statistics.blocking)

        let waiter = Task { await hub.waitForSpace(for: F.item(3)) }
        let waiterBySensor = Task { await hub.waitForSpace(sensor: F.sensorA, type: 1) }
        let first = await F.take(1, from: subscription)
        XCTAssertEqual(first.map(F.payloadText), ["item-1"])
        await waiter.value
        await waiterBySensor.value
        XCTAssertEqual(hub.publish(F.item(3)), .accepted)
        XCTAssertEqual(hub.publish(F.item(4)), .full)
        statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.dropped, 0)
        let taken2 = await F.take(2, from: subscription).map(F.payloadText)
        XCTAssertEqual(taken2, ["item-2", "item-3"])
    }

    func testFullBlockQueueRefusesAtomically() async throws {
        // A refused frame goes nowhere, so publishing it again later does not duplicate it.
        let hub = QueueHub(specs: [
            QueueSpec(name: "blocking", type: 1, capacity: 1, dropPolicy: .block),
            QueueSpec(name: "lossy", type: 1, capacity: 10, dropPolicy: .dropOldest),
        ])
        let subscription = try hub.subscribe("blocking")
        XCTAssertEqual(hub.publish(F.item(1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(2)), .full)
        XCTAssertEqual(hub.statistics().first { $0.name == "lossy" }?.depth, 1)
        _ = await F.take(1, from: subscription)
        XCTAssertEqual(hub.publish(F.item(2)), .accepted)
        XCTAssertEqual(hub.statistics().first { $0.name == "lossy" }?.enqueued, 2)
    }

    func testBlockQueueWithoutConsumerDropsOldest() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 3, dropPolicy: .block)])
        for number in 1...8 {
            XCTAssertEqual(hub.publish(F.item(number)), .accepted)
        }
        var statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.depth, 3)
        XCTAssertEqual(statistics.dropped, 5)
        XCTAssertFalse(statistics.blocking)
        // A consumer arrives: the queue holds the newest frames and now applies backpressure.
        let subscription = try hub.subscribe("q")
        XCTAssertEqual(hub.publish(F.item(9)), .full)
        let taken3 = await F.take(3, from: subscription).map(F.payloadText)
        XCTAssertEqual(taken3, ["item-6", "item-7", "item-8"])
        statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.dropped, 5)
    }

    func testLastConsumerLeavingReleasesWaitingPublishers() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 1, dropPolicy: .block)])
        let subscription = try hub.subscribe("q")
        XCTAssertEqual(hub.publish(F.item(1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(2)), .full)
        let waiter = Task { await hub.waitForSpace(for: F.item(2)) }
        subscription.close()
        await waiter.value
        XCTAssertEqual(hub.publish(F.item(2)), .accepted)
        XCTAssertEqual(hub.statistics().first?.dropped, 1)
    }

    func testCancelledWaitForSpaceReturns() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 1, dropPolicy: .block)])
        let subscription = try hub.subscribe("q")
        _ = hub.publish(F.item(1))
        let waiter = Task { await hub.waitForSpace(for: F.item(2)) }
        waiter.cancel()
        await waiter.value
        XCTAssertEqual(hub.publish(F.item(2)), .full)
        subscription.close()
    }

    func testSessionEndMarkersAreNeverDroppedOrRefused() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "blocking", type: 1, capacity: 1, dropPolicy: .block),
            QueueSpec(name: "newest", type: 1, capacity: 1, dropPolicy: .dropNewest),
        ])
        let subscription = try hub.subscribe("blocking")
        XCTAssertEqual(hub.publish(F.item(1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(2, end: true)), .accepted)
        let items = await F.take(2, from: subscription)
        XCTAssertEqual(items.map(\.isSessionEnd), [false, true])
        let newest = try XCTUnwrap(hub.statistics().first { $0.name == "newest" })
        XCTAssertEqual(newest.depth, 2)
        XCTAssertEqual(newest.dropped, 0)
    }

    func testGivenBackItemsReturnToTheHeadInOrder() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "q", type: 1, capacity: 10)])
        let subscription = try hub.subscribe("q")
        for number in 1...5 { _ = hub.publish(F.item(number)) }
        let taken = await F.take(3, from: subscription)
        subscription.giveBack(Array(taken[1...]))
        let statistics = try XCTUnwrap(hub.statistics().first)
        XCTAssertEqual(statistics.requeued, 2)
        XCTAssertEqual(statistics.delivered, 1)
        let taken4 = await F.take(4, from: subscription).map(F.payloadText)
        XCTAssertEqual(taken4, ["item-2", "item-3", "item-4", "item-5"])
    }
}
