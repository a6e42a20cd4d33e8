import Foundation

/// The JSON object a type-2 frame carries: it describes the type-254 frames that follow on the same
/// connection (e.g. `{"type":"ja3-jl","encoding":"utf-8","tags":["tlp:white"]}`).
public struct MetaHeader: Sendable, Hashable {
    /// Largest meta header accepted; real ones are a few hundred bytes.
    public static let maximumSize = 64 * 1024

    /// Meta types known from the reference deployment.
    public static let knownTypes: Set<String> = ["ja3-jl", "d4-telemetry", "fascia", "maltrail"]

    public var type: String
    public var encoding: String?
    public var tags: [String]
    /// The JSON exactly as received (stored beside the data).
    public var json: [UInt8]

    /// Validates `json`: one JSON object, at most 64 KiB, with a non-empty string `type` made of
    /// letters, digits, `-`, `_`, `.` (it becomes a folder name), optional string `encoding` and
    /// optional array of strings `tags`.
    public init(json: some Collection<UInt8>) throws(D4ProtocolError) {
        guard json.count <= Self.maximumSize else {
            throw .invalidMetaHeader("\(json.count) bytes, over the limit of \(Self.maximumSize)")
        }
        let bytes = Array(json)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw .invalidMetaHeader("not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else { throw .invalidMetaHeader("not a JSON object") }
        guard let type = object["type"] as? String else { throw .invalidMetaHeader("no string field \"type\"") }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !type.isEmpty, type.count <= 64, type.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII }),
              type != ".", type != ".." else {
            throw .invalidMetaHeader("field \"type\" is \"\(type.prefix(80))\": use 1–64 ASCII letters, digits, '-', '_' or '.'")
        }
        if let encoding = object["encoding"], !(encoding is String) {
            throw .invalidMetaHeader("field \"encoding\" must be a string")
        }
        if let tags = object["tags"], !(tags is [String]) {
            throw .invalidMetaHeader("field \"tags\" must be an array of strings")
        }
        self.type = type
        self.encoding = object["encoding"] as? String
        self.tags = object["tags"] as? [String] ?? []
        self.json = bytes
    }

    /// A minimal meta header for `type`, as `--meta-type NAME` sends it.
    public init(type: String) throws(D4ProtocolError) {
        let escaped = type.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        try self.init(json: Array("{\"type\":\"\(escaped)\",\"encoding\":\"utf-8\"}".utf8))
    }
}
