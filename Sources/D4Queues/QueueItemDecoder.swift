import Foundation
import NIOCore

/// Reads back one record written by `QueueItemEncoder`: for consumers written in Swift and for tests.
public enum QueueItemDecoder {
    /// A decoded item and, for ndjson, the queue it came from.
    public struct Decoded: Sendable, Equatable {
        public var queue: String?
        public var item: QueueItem
    }

    public static func decode(_ record: ByteBuffer, format: QueueStreamFormat) throws(QueueError) -> Decoded {
        switch format {
        case .ndjson: return try decodeJSONLine(record)
        case .raw: return try decodeRaw(record)
        }
    }

    private struct JSONItem: Decodable {
        var queue: String
        var sequence: UInt64
        var sensor: UUID
        var type: UInt8
        var meta_type: String?
        var session: UInt64
        var timestamp: UInt64
        var session_end: Bool
        var payload_b64: String
    }

    static func decodeJSONLine(_ record: ByteBuffer) throws(QueueError) -> Decoded {
        let json: JSONItem
        do {
            json = try JSONDecoder().decode(JSONItem.self, from: Data(record.readableBytesView))
        } catch {
            throw .malformedStream("an ndjson item is not the expected JSON object: \(error)")
        }
        guard let payload = Data(base64Encoded: json.payload_b64) else {
            throw .malformedStream("payload_b64 of item \(json.sequence) is not base64")
        }
        let item = QueueItem(sensor: json.sensor, type: json.type, metaType: json.meta_type, session: json.session,
                             sequence: json.sequence, timestamp: json.timestamp, payload: Array(payload),
                             isSessionEnd: json.session_end)
        return Decoded(queue: json.queue, item: item)
    }

    static func decodeRaw(_ record: ByteBuffer) throws(QueueError) -> Decoded {
        var record = record
        let headerSize = QueueStreamFormat.rawHeaderSize
        guard record.readableBytes >= headerSize,
              record.readBytes(length: 4) == QueueStreamFormat.rawMagic,
              let type = record.readInteger(as: UInt8.self),
              let flags = record.readInteger(as: UInt8.self),
              let metaLength = record.readInteger(endianness: .little, as: UInt16.self),
              let payloadLength = record.readInteger(endianness: .little, as: UInt32.self),
              let sensorBytes = record.readBytes(length: 16),
              let session = record.readInteger(endianness: .little, as: UInt64.self),
              let sequence = record.readInteger(endianness: .little, as: UInt64.self),
              let timestamp = record.readInteger(endianness: .little, as: UInt64.self) else {
            throw .malformedStream("a raw item is shorter than its \(headerSize)-byte header")
        }
        guard record.readableBytes == Int(metaLength) + Int(payloadLength),
              let metaBytes = record.readBytes(length: Int(metaLength)),
              let payload = record.readBytes(length: Int(payloadLength)) else {
            throw .malformedStream("a raw item's length fields do not match its size")
        }
        let sensor = sensorBytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
        let item = QueueItem(sensor: sensor, type: type, metaType: metaLength == 0 ? nil : String(decoding: metaBytes, as: UTF8.self),
                             session: session, sequence: sequence, timestamp: timestamp, payload: payload,
                             isSessionEnd: flags & 1 == 1)
        return Decoded(queue: nil, item: item)
    }
}
