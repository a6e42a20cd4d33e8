import Foundation

/// The length of a botnet-capacity period: a UTC hour or a UTC day.
public enum BotnetPeriod: String, Codable, Sendable, Hashable, CaseIterable {
    case hour
    case day

    public var seconds: Double { self == .hour ? 3600 : 86_400 }
}

/// Botnet-capacity figures of one period as the live analyzer keeps them (the shape of D4Analysis's
/// `BotnetPeriodCount`). A running period is written again as it grows (upsert by period, start, node):
/// each write replaces the previous one, because distinct-source counts cannot be added up.
public struct BotnetCountRecord: Codable, Sendable, Hashable {
    /// Scanning of one target port within the period.
    public struct PortScan: Codable, Sendable, Hashable {
        public var ipProtocol: String
        public var port: Int
        public var service: String?
        /// Distinct scanners (an estimate).
        public var sources: Int
        public var packets: Int

        public init(ipProtocol: String, port: Int, service: String?, sources: Int, packets: Int) {
            self.ipProtocol = ipProtocol; self.port = port; self.service = service
            self.sources = sources; self.packets = packets
        }
    }

    public var period: BotnetPeriod
    /// Start of the period: a whole UTC hour or day.
    public var start: Date
    /// The analyzer node that counted it ("" on a single server). Nodes keep separate rows: distinct
    /// sources seen by two nodes cannot be merged from their counts.
    public var node: String
    /// Distinct sources of TCP SYNs with the Mirai fingerprint, and their packets.
    public var miraiSources: Int
    public var miraiPackets: Int
    /// Distinct sources of UDP probes to the Netis backdoor port 53413, and their packets.
    public var netisSources: Int
    public var netisPackets: Int
    /// Distinct sources of any scan packet, and the scan packets.
    public var scannerSources: Int
    public var scanPackets: Int
    /// Target ports by distinct scanners, most first.
    public var topPorts: [PortScan]
    /// True when a distinct-source table hit its bound: the counts are lower bounds.
    public var truncated: Bool
    /// False once the period has ended (its counts are final).
    public var isComplete: Bool
    /// When the analyzer last wrote this row (wall clock).
    public var updatedAt: Date

    public init(period: BotnetPeriod, start: Date, node: String = "", miraiSources: Int, miraiPackets: Int,
                netisSources: Int, netisPackets: Int, scannerSources: Int, scanPackets: Int, topPorts: [PortScan],
                truncated: Bool, isComplete: Bool, updatedAt: Date) {
        self.period = period; self.start = start; self.node = node
        self.miraiSources = miraiSources; self.miraiPackets = miraiPackets
        self.netisSources = netisSources; self.netisPackets = netisPackets
        self.scannerSources = scannerSources; self.scanPackets = scanPackets
        self.topPorts = topPorts; self.truncated = truncated; self.isComplete = isComplete; self.updatedAt = updatedAt
    }
}
