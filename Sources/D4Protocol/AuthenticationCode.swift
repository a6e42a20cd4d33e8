/// A 32-byte HMAC-SHA256 value held inline (no heap allocation), compared in constant time.
public struct AuthenticationCode: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let zero = AuthenticationCode(words: (0, 0, 0, 0))

    private var words: (UInt64, UInt64, UInt64, UInt64)

    private init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// Copies the first 32 bytes of `bytes`.
    public init(copying bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= Self.byteCount, "an authentication code is 32 bytes")
        words = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    public func write(into destination: UnsafeMutableRawBufferPointer) {
        withUnsafeBytes(of: words) { destination.copyMemory(from: $0) }
    }

    /// Constant-time equality: the time taken does not depend on where the values differ, so a
    /// network peer cannot learn a valid code byte by byte.
    public func matches(_ other: AuthenticationCode) -> Bool {
        let difference = (words.0 ^ other.words.0) | (words.1 ^ other.words.1)
            | (words.2 ^ other.words.2) | (words.3 ^ other.words.3)
        return difference == 0
    }

    public static func == (lhs: AuthenticationCode, rhs: AuthenticationCode) -> Bool { lhs.matches(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
    }

    public var hex: String {
        withUnsafeBytes(of: words) { raw in raw.map { String(format2: $0) }.joined() }
    }

    public var description: String { hex }
}

extension String {
    /// Two lowercase hex digits, without Foundation's String(format:).
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
