import D4Queues
import D4Web
import XCTest

final class MetricsTests: XCTestCase {
    func testMetricsEndpointServesIngestAndQueueSeriesWithoutCredentials() async throws {
        let queue = QueueSpec(name: "pcap.main", type: 1, capacity: 10, dropPolicy: .dropNewest)
        try await withWebServer(queueSpecs: [queue]) { server in
            server.metrics.record(batch: [.init(type: 1, frames: 3, bytes: 3_000), .init(type: 254, frames: 1, bytes: 80)])
            server.metrics.record(batch: [.init(type: 1, frames: 2, bytes: 500)])
            server.metrics.setConnectionsOpen(4)
            for number in 1...12 {
                _ = server.queues.publish(QueueItem(sensor: UUID(), type: 1, metaType: nil, session: 1, sequence: 0,
                                                    timestamp: UInt64(number), payload: [1, 2, 3], isSessionEnd: false))
            }
            let answer = try await server.get("/metrics", authorization: nil)
            XCTAssertEqual(answer.status.code, 200)
            XCTAssertTrue(answer.headers["Content-Type"].first?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let lines = Set(answer.text.split(separator: "\n").map(String.init))
            XCTAssertTrue(lines.contains(#"d4_frames_accepted_total{type="1"} 5"#), answer.text)
            XCTAssertTrue(lines.contains(#"d4_bytes_accepted_total{type="1"} 3500"#), answer.text)
            XCTAssertTrue(lines.contains(#"d4_frames_accepted_total{type="254"} 1"#), answer.text)
            XCTAssertTrue(lines.contains("d4_connections_open 4") || lines.contains("d4_connections_open 4.0"), answer.text)
            // 12 published into 10 places, drop-newest.
            XCTAssertTrue(lines.contains(#"d4_queue_depth{queue="pcap.main"} 10"#), answer.text)
            XCTAssertTrue(lines.contains(#"d4_queue_dropped_total{queue="pcap.main"} 2"#), answer.text)
            XCTAssertTrue(lines.contains("# TYPE d4_queue_dropped_total counter"), answer.text)
            XCTAssertFalse(answer.text.contains("d4d4"), "no sensor UUID in any label")
        }
    }

    func testRemovedQueuesDisappearFromTheSeries() {
        let metrics = D4Metrics()
        let text = String(decoding: metrics.render(queues: []), as: UTF8.self)
        XCTAssertFalse(text.contains("d4_queue_depth"))
    }

    func testNegativeAndOutOfRangeInputIsIgnored() {
        let metrics = D4Metrics()
        metrics.recordAccepted(type: 1, frames: -5, bytes: -1)
        metrics.recordAccepted(type: 999, frames: 5, bytes: 5)
        let text = String(decoding: metrics.render(queues: []), as: UTF8.self)
        XCTAssertTrue(text.contains(#"d4_frames_accepted_total{type="1"} 0"#), text)
        XCTAssertFalse(text.contains("999"))
    }
}
