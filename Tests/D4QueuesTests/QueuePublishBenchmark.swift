import D4Queues
import Foundation
import XCTest

/// Prints the cost of `publish` per frame with three queues on the frame's type (figures, not
/// assertions on speed: run in release for meaningful numbers, `swift test -c release --filter
/// QueuePublishBenchmark`).
final class QueuePublishBenchmark: XCTestCase {
    typealias F = QueueFixtures

    func testPublishCostWithThreeQueues() async throws {
        let frames = 200_000
        let payload = [UInt8](repeating: 0xAB, count: 4096)
        let hub = QueueHub(specs: [
            QueueSpec(name: "all-pcap", type: 1, capacity: 1024, dropPolicy: .dropOldest),
            QueueSpec(name: "sensor-a", type: 1, sensors: [F.sensorA, F.sensorB], capacity: 1024, dropPolicy: .dropNewest),
            QueueSpec(name: "blocking", type: 1, capacity: 1024, dropPolicy: .block),  // no consumer: drops oldest
            QueueSpec(name: "other-type", type: 3, capacity: 1024),
        ])
        var accepted = 0
        let fromBytes = Self.measure {
            payload.withUnsafeBytes { bytes in
                for number in 0..<frames {
                    if hub.publish(sensor: F.sensorA, type: 1, metaType: nil, session: 1,
                                   timestamp: UInt64(number), payload: bytes) == .accepted {
                        accepted += 1
                    }
                }
            }
        }
        let item = QueueItem(sensor: F.sensorA, type: 1, session: 1, timestamp: 0, payload: payload)
        let fromItems = Self.measure {
            for _ in 0..<frames where hub.publish(item) == .accepted { accepted += 1 }
        }
        let unrouted = QueueItem(sensor: F.sensorA, type: 7, session: 1, timestamp: 0, payload: payload)
        let fromUnrouted = Self.measure {
            for _ in 0..<frames where hub.publish(unrouted) == .accepted { accepted += 1 }
        }
        XCTAssertEqual(accepted, 3 * frames)
        let statistics = hub.statistics()
        XCTAssertEqual(statistics.first { $0.name == "all-pcap" }?.depth, 1024)
        XCTAssertEqual(statistics.first { $0.name == "all-pcap" }?.dropped, 2 * frames - 1024)
        XCTAssertEqual(statistics.first { $0.name == "sensor-a" }?.dropped, 2 * frames - 1024)

        func perFrame(_ time: (wall: Double, cpu: Double)) -> String {
            String(format: "%.0f ns/frame CPU (%.2f M frames/s per core), %.0f ns/frame wall",
                   time.cpu / Double(frames), Double(frames) / time.cpu * 1e3, time.wall / Double(frames))
        }
        print("QueuePublishBenchmark: 3 queues on the type, 4 KiB payload, queues full (every publish evicts):")
        print("  publish(UnsafeRawBufferPointer) incl. one payload copy: \(perFrame(fromBytes))")
        print("  publish(QueueItem), payload shared:                     \(perFrame(fromItems))")
        print("  publish of a type no queue wants:                       \(perFrame(fromUnrouted))")
    }

    /// Wall-clock and this thread's CPU time of `work`, in nanoseconds: CPU time stays meaningful on a
    /// machine busy with other builds.
    static func measure(_ work: () -> Void) -> (wall: Double, cpu: Double) {
        func now(_ clock: clockid_t) -> Double {
            var time = timespec()
            clock_gettime(clock, &time)
            return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
        }
        let wall = now(CLOCK_MONOTONIC)
        let cpu = now(CLOCK_THREAD_CPUTIME_ID)
        work()
        return (now(CLOCK_MONOTONIC) - wall, now(CLOCK_THREAD_CPUTIME_ID) - cpu)
    }
}
