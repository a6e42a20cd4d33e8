import Foundation

/// One denial-of-service attack as the server's live analyzer keeps it: written again (upsert by `id`)
/// while the attack runs, and a last time when it closes. Field meanings follow D4Analysis's `Attack`;
/// the store holds its own copy of the shape so that it does not depend on the analysis module.
public struct AttackRecord: Codable, Sendable, Hashable {
    /// A victim port (service) hit by the attack.
    public struct Port: Codable, Sendable, Hashable {
        public var ipProtocol: String
        public var port: Int
        public var service: String?
        public var packets: Int

        public init(ipProtocol: String, port: Int, service: String?, packets: Int) {
            self.ipProtocol = ipProtocol; self.port = port; self.service = service; self.packets = packets
        }
    }

    /// How many packets of one reply kind (SYN/ACK, RST, ICMP type/code) the victim sent.
    public struct Response: Codable, Sendable, Hashable {
        public var kind: String
        public var packets: Int

        public init(kind: String, packets: Int) { self.kind = kind; self.packets = packets }
    }

    /// Stable identifier (derived from victim and start by the analyzer): the upsert key.
    public var id: String
    /// The analyzer node that saw it ("" on a single server); several nodes may share one database.
    public var node: String
    /// The attacked address (canonical text).
    public var victim: String
    public var start: Date
    public var end: Date
    /// False once the victim was idle for the timeout (or the analyzer stopped).
    public var isOngoing: Bool
    public var packets: Int
    public var bytes: Int
    /// Most frequent transport ("TCP", "UDP", "ICMP", …) and all of them.
    public var ipProtocol: String
    public var protocols: [String]
    public var ports: [Port]
    public var responses: [Response]
    /// Distinct monitored addresses that received backscatter from the victim (an estimate when flagged).
    public var sensorAddresses: Int
    public var sensorAddressesEstimated: Bool
    public var peakPacketsPerSecond: Double
    public var peakMinuteRate: Double
    public var meanPacketsPerSecond: Double
    /// Rates extrapolated to the whole IPv4 space; nil when the monitored share is unknown (or IPv6).
    public var estimatedPacketsPerSecond: Double?
    public var estimatedPeakPacketsPerSecond: Double?
    public var monitoredAddresses: Int64?
    /// "configured", "estimated-from-destinations" or "unknown".
    public var monitoredShare: String
    /// When the analyzer last wrote this row (wall clock).
    public var updatedAt: Date

    public init(id: String, node: String = "", victim: String, start: Date, end: Date, isOngoing: Bool,
                packets: Int, bytes: Int, ipProtocol: String, protocols: [String], ports: [Port],
                responses: [Response], sensorAddresses: Int, sensorAddressesEstimated: Bool,
                peakPacketsPerSecond: Double, peakMinuteRate: Double, meanPacketsPerSecond: Double,
                estimatedPacketsPerSecond: Double?, estimatedPeakPacketsPerSecond: Double?,
                monitoredAddresses: Int64?, monitoredShare: String, updatedAt: Date) {
        self.id = id; self.node = node; self.victim = victim; self.start = start; self.end = end
        self.isOngoing = isOngoing; self.packets = packets; self.bytes = bytes; self.ipProtocol = ipProtocol
        self.protocols = protocols; self.ports = ports; self.responses = responses
        self.sensorAddresses = sensorAddresses; self.sensorAddressesEstimated = sensorAddressesEstimated
        self.peakPacketsPerSecond = peakPacketsPerSecond; self.peakMinuteRate = peakMinuteRate
        self.meanPacketsPerSecond = meanPacketsPerSecond; self.estimatedPacketsPerSecond = estimatedPacketsPerSecond
        self.estimatedPeakPacketsPerSecond = estimatedPeakPacketsPerSecond
        self.monitoredAddresses = monitoredAddresses; self.monitoredShare = monitoredShare; self.updatedAt = updatedAt
    }
}
