import Foundation

/// Where the sensor's bytes come from.
public enum SourceSpec: Sendable, Equatable {
    case standardInput
    /// One or more files sent in order as one stream (pcap headers merged when compatible).
    case files([String])
    /// New files appearing in a folder, each sent once (remembered across restarts).
    case folder(String)
    /// A text file being written: follows it, survives rotation.
    case tail(String, fromStart: Bool)
    /// Live capture on a Linux interface (AF_PACKET), emitted as a pcap stream.
    case interface(String, filter: CaptureFilter)

    /// Parses `stdin`, `-`, `file:PATH`, `folder:DIR`, `tail:FILE`, `interface:NAME`, or a bare path
    /// (a folder becomes a folder source).
    public static func parse(_ text: String) throws(SensorConfigurationError) -> SourceSpec {
        if text == "stdin" || text == "-" { return .standardInput }
        func rest(_ prefix: String) -> String? { text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil }
        if let path = rest("file:") { return .files([path]) }
        if let path = rest("folder:") { return .folder(path) }
        if let path = rest("tail:") { return .tail(path, fromStart: false) }
        if let name = rest("interface:") ?? rest("iface:") {
            guard !name.isEmpty else { throw .invalidSource(text) }
            return .interface(name, filter: CaptureFilter())
        }
        guard !text.isEmpty, !text.contains("://") else { throw .invalidSource(text) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue {
            return .folder(text)
        }
        return .files([text])
    }

    /// Checks that files/folders exist and are readable, before anything is sent.
    public func validate() throws(SensorConfigurationError) {
        switch self {
        case .standardInput, .interface:
            return
        case .files(let paths):
            for path in paths { try Self.checkReadable(path, directory: false) }
        case .folder(let path):
            try Self.checkReadable(path, directory: true)
        case .tail(let path, _):
            // The file may not exist yet (log not written yet); its folder must.
            let folder = (path as NSString).deletingLastPathComponent
            try Self.checkReadable(folder.isEmpty ? "." : folder, directory: true)
            if FileManager.default.fileExists(atPath: path) { try Self.checkReadable(path, directory: false) }
        }
    }

    private static func checkReadable(_ path: String, directory: Bool) throws(SensorConfigurationError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableSource(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue != directory {
            throw .unreadableSource(path: path, reason: directory ? "not a directory" : "is a directory (use folder:\(path))")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadableSource(path: path, reason: "permission denied")
        }
    }
}

/// A simple capture filter: optional IP protocol and port, and ports to leave out.
public struct CaptureFilter: Sendable, Equatable {
    public enum IPProtocol: String, Sendable, CaseIterable { case tcp, udp, icmp }
    public var ipProtocol: IPProtocol?
    public var port: UInt16?
    /// Traffic on these ports is never captured (the sensor's own uplink is added automatically).
    public var excludedPorts: Set<UInt16>

    public init(ipProtocol: IPProtocol? = nil, port: UInt16? = nil, excludedPorts: Set<UInt16> = []) {
        self.ipProtocol = ipProtocol
        self.port = port
        self.excludedPorts = excludedPorts
    }

    /// Parses a tiny expression: `[tcp|udp|icmp] [port N] [not port N]...`, e.g. "tcp port 23".
    public init(parsing text: String) throws(SensorConfigurationError) {
        self.init()
        var words = text.lowercased().split(separator: " ").map(String.init)[...]
        func number(_ word: String?) throws(SensorConfigurationError) -> UInt16 {
            guard let word, let value = UInt16(word) else {
                throw .invalidSetting(name: "filter", value: text, why: "expected a port number 0…65535 after 'port'")
            }
            return value
        }
        while let word = words.popFirst() {
            if let proto = IPProtocol(rawValue: word) {
                ipProtocol = proto
            } else if word == "port" {
                port = try number(words.popFirst())
            } else if word == "not", words.first == "port" {
                words.removeFirst()
                excludedPorts.insert(try number(words.popFirst()))
            } else {
                throw .invalidSetting(name: "filter", value: text, why: "use [tcp|udp|icmp] [port N] [not port N]…")
            }
        }
    }
}
