import D4Protocol
import Foundation

/// Why the server closes a connection. Recorded on the sensor (last error) and logged, so an
/// operator sees it without reading code.
public enum CloseReason: Error, Sendable, Equatable, CustomStringConvertible {
    case sourceIPBlocked(String)
    case sensorBlocked
    case sensorBlockedWithIPs(String)
    case notApproved(registered: Bool)
    case kicked(until: Date)
    case uuidNotVersion4(UUID)
    case typeNotAccepted(FrameType)
    case unsupportedVersion(UInt8)
    case frameTooLarge(size: UInt32, limit: Int)
    case alreadyConnected(type: FrameType)
    case extendedBeforeMetaHeader
    case typeChanged(from: FrameType, to: FrameType)
    case uuidChanged(from: UUID, to: UUID)
    case authenticationFailed
    case noKey
    case backlogExceeded(limit: Int)
    case headerTimeout(seconds: Int)
    case timestampOutsideWindow(frame: UInt64, server: UInt64, window: Int)
    case invalidMetaHeader(String)
    case archiveFailed(String)
    case serverShutdown
    case revokedWhileConnected(String)

    public var description: String {
        switch self {
        case .sourceIPBlocked(let ip): return "source IP \(ip) is blocklisted"
        case .sensorBlocked: return "sensor is blocked"
        case .sensorBlockedWithIPs(let ip): return "sensor is blocked and blocks the IPs it comes from: \(ip) added to the IP blocklist"
        case .notApproved(let registered):
            return registered ? "registration mode: sensor is registered but not approved yet"
                : "registration mode: sensor is not registered (register it, then have an admin approve it)"
        case .kicked(let until): return "sensor was kicked; it may reconnect after \(ISO8601DateFormatter().string(from: until))"
        case .uuidNotVersion4(let uuid): return "UUID \(uuid.uuidString.lowercased()) is not a version 4 UUID"
        case .typeNotAccepted(let type): return "type \(type) is not accepted by this server"
        case .unsupportedVersion(let version): return "protocol version \(version) is not supported (only 1)"
        case .frameTooLarge(let size, let limit): return "frame size \(size) bytes is over the limit of \(limit) bytes"
        case .alreadyConnected(let type): return "a connection for this sensor and type \(type) is already open"
        case .extendedBeforeMetaHeader: return "type 254 frame before any type 2 meta header on this connection"
        case .typeChanged(let from, let to): return "type changed from \(from) to \(to) within one connection (only 2 → 254 is allowed)"
        case .uuidChanged(let from, let to):
            return "UUID changed from \(from.uuidString.lowercased()) to \(to.uuidString.lowercased()) within one connection"
        case .authenticationFailed: return "HMAC mismatch: wrong key or altered frame"
        case .noKey: return "no key for this sensor and no default key on the server"
        case .backlogExceeded(let limit): return "unconsumed backlog over the sensor's maximum of \(limit) frames"
        case .headerTimeout(let seconds): return "no complete frame header within \(seconds) s of connecting"
        case .timestampOutsideWindow(let frame, let server, let window):
            let delta = frame > server ? "\(frame - server) s ahead of" : "\(server - frame) s behind"
            return "frame timestamp \(frame) is \(delta) the server clock (window ±\(window) s): replay or wrong clock"
        case .invalidMetaHeader(let why): return "invalid meta header: \(why)"
        case .archiveFailed(let why): return "cannot store the stream: \(why)"
        case .serverShutdown: return "server shutting down"
        case .revokedWhileConnected(let why): return "admission revoked while connected: \(why)"
        }
    }
}
