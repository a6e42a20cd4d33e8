@testable import D4Queues
import Foundation
import NIOCore
import XCTest

final class QueueStreamFormatTests: XCTestCase {
    typealias F = QueueFixtures

    private let items: [QueueItem] = [
        QueueItem(sensor: F.sensorA, type: 254, metaType: "ja3-\"jl\"\n", session: 42, sequence: 1,
                  timestamp: 1_700_000_001, payload: Array(0...255).map(UInt8.init)),
        QueueItem(sensor: F.sensorB, type: 1, session: .max, sequence: 2, timestamp: 0, payload: []),
        QueueItem(sensor: F.sensorB, type: 3, session: 7, sequence: .max, timestamp: .max, payload: [0x41],
                  isSessionEnd: true),
        QueueItem(sensor: F.sensorA, type: 8, session: 1, sequence: 4, timestamp: 5, payload: [1, 2]),
    ]

    private func encode(_ format: QueueStreamFormat) -> ByteBuffer {
        var buffer = ByteBuffer()
        for item in items { QueueItemEncoder.write(item, queue: "q \"1\"", format: format, into: &buffer) }
        return buffer
    }

    func testRoundTripInBothFormatsWhateverTheChunking() throws {
        for format in QueueStreamFormat.allCases {
            let stream = encode(format)
            for chunkSize in [1, 2, 3, 51, 52, 53, 1000, stream.readableBytes] {
                var scanner = QueueStreamScanner(format: format)
                var decoded: [QueueItem] = []
                var offset = 0
                while offset < stream.readableBytes {
                    let length = min(chunkSize, stream.readableBytes - offset)
                    scanner.append(stream.getSlice(at: offset, length: length)!)
                    offset += length
                    while let record = try scanner.nextRecord() {
                        guard case let .item(bytes) = record else { return XCTFail("unexpected \(record)") }
                        let result = try QueueItemDecoder.decode(bytes, format: format)
                        if format == .ndjson { XCTAssertEqual(result.queue, "q \"1\"") }
                        decoded.append(result.item)
                    }
                }
                XCTAssertEqual(decoded, items, "\(format) in chunks of \(chunkSize)")
                XCTAssertEqual(scanner.bufferedByteCount, 0)
            }
        }
    }

    func testRawHeaderLayout() throws {
        var buffer = ByteBuffer()
        let item = QueueItem(sensor: F.sensorA, type: 254, metaType: "ja3-jl", session: 0x0102, sequence: 3,
                             timestamp: 0x0A0B, payload: [9, 8, 7], isSessionEnd: true)
        QueueItemEncoder.write(item, queue: "ignored", format: .raw, into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        XCTAssertEqual(bytes.count, 52 + 6 + 3)
        XCTAssertEqual(Array(bytes[0..<4]), Array("D4Q1".utf8))
        XCTAssertEqual(bytes[4], 254)
        XCTAssertEqual(bytes[5], 1)
        XCTAssertEqual(Array(bytes[6..<8]), [6, 0])
        XCTAssertEqual(Array(bytes[8..<12]), [3, 0, 0, 0])
        XCTAssertEqual(Array(bytes[12..<28]), withUnsafeBytes(of: F.sensorA.uuid) { Array($0) })
        XCTAssertEqual(Array(bytes[28..<36]), [2, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[36..<44]), [3, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[44..<52]), [0x0B, 0x0A, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[52..<58]), Array("ja3-jl".utf8))
        XCTAssertEqual(Array(bytes[58...]), [9, 8, 7])
    }

    func testJSONLineFieldsAndBase64MatchFoundation() throws {
        for length in 0...7 {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 200) }
            var buffer = ByteBuffer()
            let item = QueueItem(sensor: F.sensorA, type: 6, session: 3, sequence: 9, timestamp: 10, payload: payload)
            QueueItemEncoder.write(item, queue: "logs", format: .ndjson, into: &buffer)
            let line = String(buffer: buffer)
            XCTAssertTrue(line.hasSuffix("}\n"))
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["payload_b64"] as? String, Data(payload).base64EncodedString())
            XCTAssertEqual(object["sensor"] as? String, "3f7c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b")
            XCTAssertEqual(object["queue"] as? String, "logs")
            XCTAssertEqual(object["sequence"] as? Int, 9)
            XCTAssertTrue(object["meta_type"] is NSNull)
            XCTAssertEqual(object["session_end"] as? Bool, false)
            XCTAssertEqual(Set(object.keys), ["queue", "sequence", "sensor", "type", "meta_type", "session",
                                              "timestamp", "session_end", "payload_b64"])
        }
    }

    func testErrorLineEndsTheStreamInBothFormats() throws {
        for format in QueueStreamFormat.allCases {
            var scanner = QueueStreamScanner(format: format)
            var stream = encode(format)
            stream.writeString("ERR queue \"q\" was removed\n")
            scanner.append(stream)
            var records: [QueueStreamScanner.Record] = []
            while let record = try scanner.nextRecord() { records.append(record) }
            XCTAssertEqual(records.count, items.count + 1)
            XCTAssertEqual(records.last, .error("queue \"q\" was removed"))
        }
    }

    func testGarbageInARawStreamIsATypedError() {
        var scanner = QueueStreamScanner(format: .raw)
        scanner.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        XCTAssertThrowsError(try scanner.nextRecord()) { error in
            guard case .malformedStream = error as? QueueError else { return XCTFail("\(error)") }
        }
    }

    func testTruncatedRawRecordIsATypedError() {
        var buffer = ByteBuffer()
        QueueItemEncoder.write(items[0], queue: "q", format: .raw, into: &buffer)
        let truncated = buffer.getSlice(at: 0, length: buffer.readableBytes - 1)!
        XCTAssertThrowsError(try QueueItemDecoder.decode(truncated, format: .raw))
        XCTAssertThrowsError(try QueueItemDecoder.decode(ByteBuffer(string: "{\"queue\":1}"), format: .ndjson))
    }

    func testRequestLines() throws {
        XCTAssertEqual(try QueueSocketRequest(line: "CONSUME ja3 raw"), .consume(queue: "ja3", format: .raw))
        XCTAssertEqual(try QueueSocketRequest(line: "consume ja3\r"), .consume(queue: "ja3", format: .ndjson))
        XCTAssertEqual(try QueueSocketRequest(line: "LIST"), .list)
        XCTAssertThrowsError(try QueueSocketRequest(line: "CONSUME"))
        XCTAssertThrowsError(try QueueSocketRequest(line: "DELETE q"))
        XCTAssertThrowsError(try QueueSocketRequest(line: "CONSUME q jsonl")) { error in
            XCTAssertEqual(error as? QueueError, .badRequest("unknown format \"jsonl\": use ndjson or raw"))
        }
    }
}
