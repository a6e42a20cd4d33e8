import PacketCapture

/// Packet counts by class and pattern, plus what could not be classified — so that no packet is lost
/// silently. Fixed-size arrays indexed by enum: no hashing per packet.
public struct ClassificationCounts: Sendable, Hashable {
    public private(set) var records = 0
    public private(set) var ipPackets = 0
    public private(set) var notIP = 0
    public private(set) var malformed = 0
    public private(set) var unsupportedLinkType = 0
    public private(set) var fromKnownScanner = 0
    public private(set) var outsideMonitoredSpace = 0
    public private(set) var quotesForeignPacket = 0
    /// Packets by class (the first three) then by pattern: one array, so that counting a packet
    /// costs one uniqueness check of its storage, not two.
    private var byClassThenPattern = [Int](repeating: 0, count: 3 + PacketPattern.allCases.count)
    private var byMalformedReason = [Int](repeating: 0, count: MalformedReason.allCases.count)

    public init() {}

    public func packets(in trafficClass: TrafficClass) -> Int { byClassThenPattern[trafficClass.index] }
    public func packets(matching pattern: PacketPattern) -> Int { byClassThenPattern[3 + pattern.index] }
    public func frames(malformedBecause reason: MalformedReason) -> Int {
        byMalformedReason[MalformedReason.allCases.firstIndex(of: reason) ?? 0]
    }

    @inline(__always)
    mutating func count(_ classification: Classification) {
        records &+= 1
        ipPackets &+= 1
        byClassThenPattern.withUnsafeMutableBufferPointer { counts in
            counts[classification.trafficClass.index] &+= 1
            counts[3 + classification.pattern.index] &+= 1
        }
        if classification.fromKnownScanner { fromKnownScanner &+= 1 }
        if classification.outsideMonitoredSpace { outsideMonitoredSpace &+= 1 }
        if classification.quotesForeignPacket { quotesForeignPacket &+= 1 }
    }

    mutating func countNotIP() { records &+= 1; notIP &+= 1 }
    mutating func countUnsupportedLinkType() { records &+= 1; unsupportedLinkType &+= 1 }
    mutating func countMalformed(_ reason: MalformedReason) {
        records &+= 1
        malformed &+= 1
        if let i = MalformedReason.allCases.firstIndex(of: reason) { byMalformedReason[i] &+= 1 }
    }

    /// The counts as a plain value for JSON output.
    public var report: ClassificationReport {
        ClassificationReport(
            records: records, ipPackets: ipPackets, notIP: notIP, malformed: malformed,
            unsupportedLinkType: unsupportedLinkType,
            classes: Dictionary(uniqueKeysWithValues: TrafficClass.allCases.map { ($0.rawValue, packets(in: $0)) }),
            patterns: Dictionary(uniqueKeysWithValues: PacketPattern.allCases.map { ($0.rawValue, packets(matching: $0)) }),
            malformedReasons: Dictionary(uniqueKeysWithValues: MalformedReason.allCases.map {
                ($0.rawValue, frames(malformedBecause: $0))
            }),
            fromKnownScanner: fromKnownScanner, outsideMonitoredSpace: outsideMonitoredSpace,
            quotesForeignPacket: quotesForeignPacket)
    }
}

extension TrafficClass {
    @inline(__always) var index: Int {
        switch self {
        case .backscatter: 0
        case .scan: 1
        case .other: 2
        }
    }
}

/// `ClassificationCounts` as JSON-friendly values.
public struct ClassificationReport: Codable, Sendable, Hashable {
    public var records: Int
    public var ipPackets: Int
    public var notIP: Int
    public var malformed: Int
    public var unsupportedLinkType: Int
    public var classes: [String: Int]
    public var patterns: [String: Int]
    public var malformedReasons: [String: Int]
    public var fromKnownScanner: Int
    public var outsideMonitoredSpace: Int
    public var quotesForeignPacket: Int

    enum CodingKeys: String, CodingKey {
        case records
        case ipPackets = "ip_packets"
        case notIP = "not_ip"
        case malformed
        case unsupportedLinkType = "unsupported_link_type"
        case classes, patterns
        case malformedReasons = "malformed_reasons"
        case fromKnownScanner = "from_known_scanner"
        case outsideMonitoredSpace = "outside_monitored_space"
        case quotesForeignPacket = "quotes_foreign_packet"
    }
}
