import D4Protocol
import Foundation

/// Why the sensor refuses to start. Each message says which setting, what value, and what to do.
public enum SensorConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    case missingKey
    case emptyKey(source: String)
    case unreadableKeyFile(path: String, reason: String)
    case missingUUID
    case invalidUUID(String)
    case uuidNotVersion4(String)
    case snaplenOutOfRange(String)
    case unknownType(String)
    case invalidVersion(String)
    case unreadableSource(path: String, reason: String)
    case invalidSource(String)
    case invalidDestination(String)
    case unreadableConfigDirectory(path: String, reason: String)
    case metaHeaderNeedsType254
    case invalidMetaHeader(String)
    case conflictingTrust(String)
    case invalidSetting(name: String, value: String, why: String)

    public var description: String {
        switch self {
        case .missingKey:
            return "no key: give --key, --key-file, or a `key` file in the config directory (the sensor never signs with an empty key)"
        case .emptyKey(let source):
            return "the key from \(source) is empty: the sensor never signs with an empty key"
        case .unreadableKeyFile(let path, let reason):
            return "cannot read key file \(path): \(reason)"
        case .missingUUID:
            return "no sensor UUID: give --uuid or a `uuid` file in the config directory (make one with `uuidgen -r`)"
        case .invalidUUID(let text):
            return "\"\(text)\" is not a UUID"
        case .uuidNotVersion4(let text):
            return "UUID \(text) is not a version 4 (random) UUID; D4 servers refuse it — make one with `uuidgen -r`"
        case .snaplenOutOfRange(let text):
            return "snaplen \"\(text)\" is out of range: use 1…65535"
        case .unknownType(let text):
            return "unknown type \"\(text)\": use a number 0…255 or one of \(FrameType.knownNames)"
        case .invalidVersion(let text):
            return "protocol version \"\(text)\" is not supported: only 1"
        case .unreadableSource(let path, let reason):
            return "cannot read source \(path): \(reason)"
        case .invalidSource(let text):
            return "invalid source \"\(text)\": use stdin, a file or folder path, file:PATH, folder:DIR, tail:FILE or interface:NAME"
        case .invalidDestination(let text):
            return "invalid destination \"\(text)\": use stdout, HOST:PORT (TLS), tls://HOST:PORT or tcp://HOST:PORT"
        case .unreadableConfigDirectory(let path, let reason):
            return "cannot read config directory \(path): \(reason)"
        case .metaHeaderNeedsType254:
            return "a meta header describes type-254 frames: use --type 254 with --meta-header/--meta-type"
        case .invalidMetaHeader(let why):
            return "invalid meta header: \(why)"
        case .conflictingTrust(let why):
            return "conflicting TLS options: \(why)"
        case .invalidSetting(let name, let value, let why):
            return "\(name) \"\(value)\": \(why)"
        }
    }
}
