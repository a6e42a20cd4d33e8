/// How the queue socket writes items to a consumer.
///
/// `ndjson`: one JSON object per line,
///   {"queue":"q","sequence":7,"sensor":"<uuid, lowercase>","type":1,"meta_type":null,"session":3,
///    "timestamp":1700000000,"session_end":false,"payload_b64":"<base64 of the payload>"}
///
/// `raw`: per item a 52-byte header, then the meta type's UTF-8 bytes, then the payload. All integers
/// little-endian:
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 4 | magic "D4Q1" (44 34 51 31): marks the start of an item, `ERR ` marks an error line instead |
/// | 4 | 1 | frame type |
/// | 5 | 1 | flags: bit 0 = session end (the sensor's connection closed) |
/// | 6 | 2 | meta type length in bytes (0 = none) |
/// | 8 | 4 | payload length in bytes |
/// | 12 | 16 | sensor UUID, RFC 4122 byte order (as in the D4 frame header) |
/// | 28 | 8 | session |
/// | 36 | 8 | sequence within the queue |
/// | 44 | 8 | frame timestamp, seconds since the epoch |
///
/// In both formats the server may end the stream with one line `ERR <reason>\n` (for example when the
/// queue is removed), and answers a bad request with such a line only.
public enum QueueStreamFormat: String, Sendable, CaseIterable, Codable {
    case ndjson
    case raw

    /// Size of the fixed part of a `raw` item.
    public static let rawHeaderSize = 52
    /// "D4Q1": the first bytes of every `raw` item.
    public static let rawMagic: [UInt8] = [0x44, 0x34, 0x51, 0x31]
    /// Longest record a reader accepts before declaring the stream malformed (a D4 frame is at most
    /// 4 GiB in theory, 1 MB by default; 64 MiB leaves room for generous server limits plus base64).
    public static let maximumRecordSize = 64 << 20
}
