/// The D4 frame type byte. Unknown values are kept as they are (a server decides whether it accepts
/// them), so this is a struct over the raw number rather than a closed enum.
public struct FrameType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let reserved = FrameType(0)
    public static let pcap = FrameType(1)
    public static let metaHeader = FrameType(2)
    public static let genericLog = FrameType(3)
    public static let dnscap = FrameType(4)
    public static let pcapng = FrameType(5)
    public static let ndjson = FrameType(6)
    public static let yaf = FrameType(7)
    public static let passiveDNS = FrameType(8)
    /// Payload described by the type-2 meta header sent before it on the same connection.
    public static let extended = FrameType(254)

    /// Names accepted on the command line, and shown in logs.
    static let names: [(FrameType, String)] = [
        (.reserved, "reserved"), (.pcap, "pcap"), (.metaHeader, "meta-header"), (.genericLog, "log"),
        (.dnscap, "dnscap"), (.pcapng, "pcapng"), (.ndjson, "ndjson"), (.yaf, "yaf"),
        (.passiveDNS, "passivedns"), (.extended, "extended"),
    ]

    /// The short name of a known type, nil for others.
    public var name: String? { Self.names.first { $0.0 == self }?.1 }

    public var description: String { name.map { "\(rawValue) (\($0))" } ?? "\(rawValue)" }

    /// True for types whose payload is text lines (stored line-exact).
    public var isLineOriented: Bool { [.genericLog, .dnscap, .ndjson, .passiveDNS].contains(self) }

    /// Parses "1", "pcap", "passivedns", "254", … Returns nil for anything else.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if let number = UInt8(lowered) { self.init(number); return }
        let aliases = ["generic-log": FrameType.genericLog, "json": .ndjson, "jsonl": .ndjson,
                       "meta": .metaHeader, "254": .extended, "pdns": .passiveDNS]
        if let known = Self.names.first(where: { $0.1 == lowered })?.0 ?? aliases[lowered] {
            self = known
        } else {
            return nil
        }
    }

    public static func < (lhs: FrameType, rhs: FrameType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Every name `init(parsing:)` understands, for help texts and error messages.
    public static var knownNames: String { names.map { "\($0.1) (\($0.0.rawValue))" }.joined(separator: ", ") }
}
