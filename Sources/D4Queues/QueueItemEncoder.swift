import Foundation
import NIOCore

/// Writes items in a `QueueStreamFormat` straight into a `ByteBuffer` (no JSONEncoder, no
/// intermediate strings: this runs once per item per consumer).
public enum QueueItemEncoder {
    public static func write(_ item: QueueItem, queue: String, format: QueueStreamFormat, into buffer: inout ByteBuffer) {
        switch format {
        case .ndjson: writeJSONLine(item, queue: queue, into: &buffer)
        case .raw: writeRaw(item, into: &buffer)
        }
    }

    static func writeRaw(_ item: QueueItem, into buffer: inout ByteBuffer) {
        let metaType = Array((item.metaType ?? "").utf8.prefix(Int(UInt16.max)))
        buffer.reserveCapacity(minimumWritableBytes: QueueStreamFormat.rawHeaderSize + metaType.count + item.payload.count)
        buffer.writeBytes(QueueStreamFormat.rawMagic)
        buffer.writeInteger(item.type)
        buffer.writeInteger(UInt8(item.isSessionEnd ? 1 : 0))
        buffer.writeInteger(UInt16(metaType.count), endianness: .little)
        buffer.writeInteger(UInt32(clamping: item.payload.count), endianness: .little)
        _ = withUnsafeBytes(of: item.sensor.uuid) { buffer.writeBytes($0) }
        buffer.writeInteger(item.session, endianness: .little)
        buffer.writeInteger(item.sequence, endianness: .little)
        buffer.writeInteger(item.timestamp, endianness: .little)
        buffer.writeBytes(metaType)
        buffer.writeBytes(item.payload)
    }

    static func writeJSONLine(_ item: QueueItem, queue: String, into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: 220 + queue.utf8.count + (item.payload.count + 2) / 3 * 4)
        buffer.writeStaticString("{\"queue\":")
        writeJSONString(queue, into: &buffer)
        buffer.writeStaticString(",\"sequence\":")
        buffer.writeString(String(item.sequence))
        buffer.writeStaticString(",\"sensor\":\"")
        buffer.writeString(item.sensor.uuidString.lowercased())
        buffer.writeStaticString("\",\"type\":")
        buffer.writeString(String(item.type))
        buffer.writeStaticString(",\"meta_type\":")
        if let metaType = item.metaType {
            writeJSONString(metaType, into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString(",\"session\":")
        buffer.writeString(String(item.session))
        buffer.writeStaticString(",\"timestamp\":")
        buffer.writeString(String(item.timestamp))
        buffer.writeStaticString(item.isSessionEnd ? ",\"session_end\":true" : ",\"session_end\":false")
        buffer.writeStaticString(",\"payload_b64\":\"")
        writeBase64(item.payload, into: &buffer)
        buffer.writeStaticString("\"}\n")
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, other UTF-8 as is.
    static func writeJSONString(_ text: String, into buffer: inout ByteBuffer) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(byte)
            case 0..<0x20:
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0f)])
            default:
                buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648), written in place.
    static func writeBase64(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        let outputCount = (bytes.count + 2) / 3 * 4
        guard outputCount > 0 else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: outputCount) { output in
            base64Alphabet.withUnsafeBufferPointer { alphabet in
                bytes.withUnsafeBufferPointer { input in
                    var out = 0
                    var index = 0
                    while index + 3 <= input.count {
                        let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                        output[out] = alphabet[Int(chunk >> 18)]
                        output[out + 1] = alphabet[Int(chunk >> 12 & 0x3f)]
                        output[out + 2] = alphabet[Int(chunk >> 6 & 0x3f)]
                        output[out + 3] = alphabet[Int(chunk & 0x3f)]
                        out += 4
                        index += 3
                    }
                    let rest = input.count - index
                    if rest > 0 {
                        let second = rest == 2 ? UInt32(input[index + 1]) : 0
                        let chunk = UInt32(input[index]) << 16 | second << 8
                        output[out] = alphabet[Int(chunk >> 18)]
                        output[out + 1] = alphabet[Int(chunk >> 12 & 0x3f)]
                        output[out + 2] = rest == 2 ? alphabet[Int(chunk >> 6 & 0x3f)] : UInt8(ascii: "=")
                        output[out + 3] = UInt8(ascii: "=")
                    }
                }
            }
            return outputCount
        }
    }
}
