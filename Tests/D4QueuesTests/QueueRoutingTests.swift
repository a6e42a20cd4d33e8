@testable import D4Queues
import XCTest

final class QueueRoutingTests: XCTestCase {
    typealias F = QueueFixtures

    func testRoutesByTypeMetaTypeAndSensor() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "pcap", type: 1, capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "ja3", type: 254, metaType: "ja3-jl", capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "any254", type: 254, capacity: 10, dropPolicy: .dropOldest),
            QueueSpec(name: "pcap-b", type: 1, sensors: [F.sensorB], capacity: 10, dropPolicy: .dropOldest),
        ])
        XCTAssertEqual(hub.publish(F.item(1, sensor: F.sensorA, type: 1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(2, sensor: F.sensorB, type: 1)), .accepted)
        XCTAssertEqual(hub.publish(F.item(3, type: 254, metaType: "ja3-jl")), .accepted)
        XCTAssertEqual(hub.publish(F.item(4, type: 254, metaType: "maltrail")), .accepted)
        XCTAssertEqual(hub.publish(F.item(5, type: 3)), .accepted)  // no queue wants type 3

        let depths = Dictionary(uniqueKeysWithValues: hub.statistics().map { ($0.name, $0.depth) })
        XCTAssertEqual(depths, ["pcap": 2, "ja3": 1, "any254": 2, "pcap-b": 1])

        let pcapB = try hub.subscribe("pcap-b")
        let taken1 = await F.take(1, from: pcapB).map(F.payloadText)
        XCTAssertEqual(taken1, ["item-2"])
        let ja3 = try hub.subscribe("ja3")
        let ja3Items = await F.take(1, from: ja3)
        XCTAssertEqual(ja3Items.map(F.payloadText), ["item-3"])
        XCTAssertEqual(ja3Items.first?.metaType, "ja3-jl")
        let any254 = try hub.subscribe("any254")
        let taken2 = await F.take(2, from: any254).map(F.payloadText)
        XCTAssertEqual(taken2, ["item-3", "item-4"])
    }

    func testTwoQueuesOnOneTypeEachGetEveryItem() async throws {
        let hub = QueueHub(specs: [
            QueueSpec(name: "first", type: 8, capacity: 100),
            QueueSpec(name: "second", type: 8, capacity: 100),
        ])
        let first = try hub.subscribe("first")
        let second = try hub.subscribe("second")
        for number in 1...20 {
            XCTAssertEqual(hub.publish(F.item(number, type: 8)), .accepted)
        }
        let fromFirst = await F.take(20, from: first)
        let fromSecond = await F.take(20, from: second)
        XCTAssertEqual(fromFirst.map(F.payloadText), (1...20).map { "item-\($0)" })
        XCTAssertEqual(fromSecond.map(F.payloadText), (1...20).map { "item-\($0)" })
        XCTAssertEqual(fromFirst.map(\.sequence), Array(1...20))
        XCTAssertEqual(hub.statistics().map(\.delivered), [20, 20])
    }

    func testConsumersOfOneQueueShareItsItems() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "shared", type: 1, capacity: 100)])
        let one = try hub.subscribe("shared")
        let two = try hub.subscribe("shared")
        XCTAssertEqual(hub.statistics().first?.consumers, 2)
        for number in 1...10 { _ = hub.publish(F.item(number)) }
        let taken = await F.take(4, from: one) + F.take(6, from: two)
        XCTAssertEqual(taken.map(F.payloadText), (1...10).map { "item-\($0)" })
        one.close()
        XCTAssertEqual(hub.statistics().first?.consumers, 1)
    }

    func testParkedConsumerReceivesItemPublishedLater() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "live", type: 6, capacity: 4)])
        let subscription = try hub.subscribe("live")
        let reader = Task { await subscription.next(maxCount: 10) }
        // The reader may or may not be parked yet: either way it must get exactly this item.
        XCTAssertEqual(hub.publish(F.item(1, type: 6)), .accepted)
        let received = await reader.value
        XCTAssertEqual(received?.map(F.payloadText), ["item-1"])
    }

    func testCancellingAParkedConsumerEndsItsWait() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "idle", type: 1, capacity: 4)])
        let subscription = try hub.subscribe("idle")
        let reader = Task { await subscription.next(maxCount: 1) }
        reader.cancel()
        let received = await reader.value
        XCTAssertNil(received)
        // The queue still works for the next read.
        _ = hub.publish(F.item(7))
        let taken3 = await F.take(1, from: subscription).map(F.payloadText)
        XCTAssertEqual(taken3, ["item-7"])
    }

    func testUnknownQueueNamesTheKnownOnes() {
        let hub = QueueHub(specs: [QueueSpec(name: "b", type: 1, capacity: 1), QueueSpec(name: "a", type: 3, capacity: 1)])
        XCTAssertThrowsError(try hub.subscribe("nope")) { error in
            XCTAssertEqual(error as? QueueError, .unknownQueue(name: "nope", known: ["a", "b"]))
            XCTAssertEqual("\(error)", "unknown queue \"nope\" (known queues: a, b)")
        }
    }

    func testUnsafeBytesPublishCopiesOnlyForMatchingQueues() async throws {
        let hub = QueueHub(specs: [QueueSpec(name: "logs", type: 3, capacity: 4)])
        let bytes: [UInt8] = Array("line one\nline".utf8)
        let result = bytes.withUnsafeBytes {
            hub.publish(sensor: F.sensorA, type: 3, metaType: nil, session: 9, timestamp: 5, payload: $0)
        }
        XCTAssertEqual(result, .accepted)
        let ignored = bytes.withUnsafeBytes {
            hub.publish(sensor: F.sensorA, type: 1, metaType: nil, session: 9, timestamp: 5, payload: $0)
        }
        XCTAssertEqual(ignored, .accepted)
        let subscription = try hub.subscribe("logs")
        let items = await F.take(1, from: subscription)
        XCTAssertEqual(items.first?.payload, bytes)
        XCTAssertEqual(items.first?.session, 9)
        XCTAssertEqual(hub.statistics().first?.enqueued, 1)
    }
}
