import Foundation

/// Everything that can be wrong with D4 bytes or with the material to sign them.
/// Each message names the field, the value found and why it is refused.
public enum D4ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    case truncatedHeader(have: Int)
    case frameTooLarge(size: UInt32, limit: Int)
    case emptyKey
    case unsupportedVersion(UInt8)
    case uuidNotVersion4(UUID)
    case authenticationFailed(uuid: UUID, type: FrameType)
    case invalidMetaHeader(String)

    public var description: String {
        switch self {
        case .truncatedHeader(let have):
            return "frame header truncated: \(have) of \(FrameHeader.size) bytes"
        case .frameTooLarge(let size, let limit):
            return "frame size field is \(size) bytes, over the limit of \(limit) bytes"
        case .emptyKey:
            return "the HMAC key is empty: refusing to sign or verify with an empty key"
        case .unsupportedVersion(let version):
            return "protocol version \(version) is not supported (only version \(FrameHeader.currentVersion))"
        case .uuidNotVersion4(let uuid):
            return "UUID \(uuid.uuidString.lowercased()) is not a version 4 UUID"
        case .authenticationFailed(let uuid, let type):
            return "HMAC mismatch for sensor \(uuid.uuidString.lowercased()), type \(type): wrong key or altered frame"
        case .invalidMetaHeader(let why):
            return "invalid meta header: \(why)"
        }
    }
}

extension UUID {
    /// RFC 4122 version nibble is 4 and the variant bits are 10xx.
    public var isVersion4: Bool {
        let bytes = uuid
        return bytes.6 >> 4 == 4 && bytes.8 >> 6 == 0b10
    }

    /// The 32 lowercase hex digits without dashes (the archive folder name).
    public var compactHex: String { uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
}
