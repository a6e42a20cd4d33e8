import Foundation

/// One test vector of `shared/vectors` made with CIRCL's C client, with what its `.verify.txt` lists.
public struct ReferenceVector: Sendable {
    public struct ListedFrame: Sendable, Equatable {
        public var offset: Int
        public var version: UInt8
        public var type: UInt8
        public var uuid: String
        public var timestamp: UInt64
        public var size: Int
        public var hmacPrefix: String
    }

    public var name: String
    public var configDirectory: URL
    public var input: URL
    public var uuid: String
    public var key: [UInt8]
    public var type: UInt8
    public var snaplen: Int
    public static let timestamp: UInt64 = 1_704_067_200

    public var stream: [UInt8] { get throws { try SharedData.bytes("vectors/\(name).bin") } }
    public var inputBytes: [UInt8] { get throws { [UInt8](try Data(contentsOf: input)) } }

    public var listedFrames: [ListedFrame] {
        get throws {
            let text = try String(contentsOf: SharedData.vectors.appendingPathComponent("\(name).verify.txt"), encoding: .utf8)
            return text.split(separator: "\n").filter { $0.hasPrefix("frame") }.map { line in
                var fields: [String: String] = [:]
                for part in line.split(separator: " ") where part.contains("=") {
                    let pair = part.split(separator: "=", maxSplits: 1)
                    fields[String(pair[0])] = String(pair[1])
                }
                let offsetText = line.split(separator: "@")[1].split(separator: ":")[0].trimmingCharacters(in: .whitespaces)
                return ListedFrame(offset: Int(offsetText)!, version: UInt8(fields["v"]!)!, type: UInt8(fields["type"]!)!,
                                   uuid: fields["uuid"]!, timestamp: UInt64(fields["ts"]!)!, size: Int(fields["size"]!)!,
                                   hmacPrefix: fields["hmac"]!.replacingOccurrences(of: ".", with: ""))
            }
        }
    }

    public static let all: [ReferenceVector] = [
        vector("v01-empty", config: "conf-default", input: "empty.bin"),
        vector("v02-hello", config: "conf-default", input: "hello.txt"),
        vector("v03-pcap-4096", config: "conf-default", input: "small.pcap"),
        vector("v04-pdns-snap64", config: "conf-k2", input: "passivedns.txt"),
    ]

    private static func vector(_ name: String, config: String, input: String) -> ReferenceVector {
        let directory = SharedData.vectors.appendingPathComponent(config)
        func value(_ file: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
        }
        // The reference client drops everything from the last newline of the key file on.
        var keyText = value("key")
        if let newline = keyText.lastIndex(of: "\n") { keyText = String(keyText[..<newline]) }
        return ReferenceVector(
            name: name, configDirectory: directory, input: SharedData.vectors.appendingPathComponent("inputs/\(input)"),
            uuid: value("uuid").trimmingCharacters(in: .whitespacesAndNewlines), key: Array(keyText.utf8),
            type: UInt8(value("type").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
            snaplen: Int(value("snaplen").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }
}
