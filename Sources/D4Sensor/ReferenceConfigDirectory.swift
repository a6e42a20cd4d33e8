import Foundation

/// The reference C client's configuration: a folder with one value per file
/// (`uuid`, `key`, `type`, `snaplen`, `version`, `source`, `destination`). Missing files are nil.
public struct ReferenceConfigDirectory: Sendable, Equatable {
    public var uuid: String?
    /// The key bytes: the file's content up to (not including) its last newline, as the reference reads it.
    public var key: [UInt8]?
    public var type: String?
    public var snaplen: String?
    public var version: String?
    public var source: String?
    public var destination: String?

    public init() {}

    public init(path: String) throws(SensorConfigurationError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unreadableConfigDirectory(path: path, reason: "no such directory")
        }
        let directory = URL(fileURLWithPath: path)
        func raw(_ name: String) -> [UInt8]? {
            (try? Data(contentsOf: directory.appendingPathComponent(name))).map { [UInt8]($0) }
        }
        func value(_ name: String) -> String? {
            raw(name).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        uuid = value("uuid")
        if let bytes = raw("key") {
            key = Self.keyBytes(fromFileContent: bytes)
        }
        type = value("type")
        snaplen = value("snaplen")
        version = value("version")
        source = value("source")
        destination = value("destination")
    }

    /// Everything from the last newline on is dropped (the reference's rule); other bytes are kept
    /// exactly, so a key may contain spaces or any byte.
    public static func keyBytes(fromFileContent bytes: [UInt8]) -> [UInt8] {
        guard let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return bytes }
        return Array(bytes[..<newline])
    }
}
