import Foundation

/// The 62-byte D4 frame header. Integers are little-endian on the wire; the UUID is 16 raw bytes in
/// RFC 4122 order; the HMAC field is 32 bytes (full HMAC-SHA256, nobody truncates it).
public struct FrameHeader: Hashable, Sendable {
    public static let size = 62
    /// Byte range of the HMAC field inside the header: zeroed while signing and verifying.
    public static let hmacRange = 26 ..< 58
    /// Where the payload size (UInt32, little-endian) sits: a stream can be cut into frames by it alone.
    public static let sizeFieldOffset = 58
    public static let currentVersion: UInt8 = 1

    public var version: UInt8
    public var type: FrameType
    public var uuid: UUID
    public var timestamp: UInt64
    public var hmac: AuthenticationCode
    public var size: UInt32

    public init(version: UInt8 = FrameHeader.currentVersion, type: FrameType, uuid: UUID, timestamp: UInt64,
                hmac: AuthenticationCode = .zero, size: UInt32) {
        self.version = version
        self.type = type
        self.uuid = uuid
        self.timestamp = timestamp
        self.hmac = hmac
        self.size = size
    }

    /// Reads a header from the first 62 bytes of `bytes` (which must hold at least that many).
    public init(decoding bytes: UnsafeRawBufferPointer) throws(D4ProtocolError) {
        guard bytes.count >= Self.size else { throw .truncatedHeader(have: bytes.count) }
        version = bytes[0]
        type = FrameType(bytes[1])
        uuid = UUID(uuid: bytes.loadUnaligned(fromByteOffset: 2, as: uuid_t.self))
        timestamp = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 18, as: UInt64.self))
        hmac = AuthenticationCode(copying: UnsafeRawBufferPointer(rebasing: bytes[Self.hmacRange]))
        size = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: Self.sizeFieldOffset, as: UInt32.self))
    }

    /// Writes the 62 header bytes at the start of `destination`.
    public func encode(into destination: UnsafeMutableRawBufferPointer) {
        precondition(destination.count >= Self.size, "header needs 62 bytes")
        destination[0] = version
        destination[1] = type.rawValue
        withUnsafeBytes(of: uuid.uuid) { destination.baseAddress!.advanced(by: 2).copyMemory(from: $0.baseAddress!, byteCount: 16) }
        destination.storeBytes(of: timestamp.littleEndian, toByteOffset: 18, as: UInt64.self)
        hmac.write(into: UnsafeMutableRawBufferPointer(rebasing: destination[Self.hmacRange]))
        destination.storeBytes(of: size.littleEndian, toByteOffset: Self.sizeFieldOffset, as: UInt32.self)
    }

    /// The header as 62 bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.size) { buffer, count in
            encode(into: UnsafeMutableRawBufferPointer(buffer))
            count = Self.size
        }
    }
}
