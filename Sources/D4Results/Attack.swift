import D4Basics

/// One denial-of-service attack inferred from backscatter: the values reports print and an API serves.
///
/// JSON keys are snake_case; `start`/`end` are ISO 8601 UTC text with microseconds.
public struct Attack: Codable, Sendable, Hashable {
    /// Stable identifier derived from victim and start.
    public var id: String
    /// The attacked host: source of the replies (for ICMP errors: destination of the quoted packet).
    public var victim: String
    /// Seconds since the epoch of the first and last backscatter packet.
    public var start: Double
    public var end: Double
    public var packets: Int
    /// IP bytes of the backscatter packets (per the IP header length).
    public var bytes: Int
    /// Distinct monitored addresses that received backscatter from this victim.
    public var sensorAddresses: Int
    /// True when `sensorAddresses` is a HyperLogLog estimate (counted exactly up to a limit, 1024 by default).
    public var sensorAddressesEstimated: Bool
    /// Transport of the attack traffic ("TCP", "UDP", "ICMP", …): the most frequent one.
    public var ipProtocol: String
    public var protocols: [String]
    /// Victim ports/services hit, most packets first.
    public var ports: [AttackPort]
    /// Kinds of reply the victim sent, most packets first.
    public var responses: [AttackResponse]
    /// Highest number of packets within one second.
    public var peakPacketsPerSecond: Double
    /// Highest rate over one-minute intervals (the rate the threshold applies to).
    public var peakMinuteRate: Double
    /// packets / duration (packets when the duration is under one second).
    public var meanPacketsPerSecond: Double
    /// Mean rate extrapolated to the whole IPv4 space; nil for IPv6 victims or an unknown share.
    public var estimatedPacketsPerSecond: Double?
    public var estimatedPeakPacketsPerSecond: Double?
    public var monitoredAddresses: UInt64?
    /// "configured", "estimated-from-destinations" or "unknown".
    public var monitoredShareSource: String
    /// False once the victim has been idle for the timeout (or the input ended).
    public var isOngoing: Bool

    public var duration: Double { end - start }

    public init(id: String, victim: String, start: Double, end: Double, packets: Int, bytes: Int,
                sensorAddresses: Int, sensorAddressesEstimated: Bool, ipProtocol: String, protocols: [String],
                ports: [AttackPort], responses: [AttackResponse], peakPacketsPerSecond: Double,
                peakMinuteRate: Double, meanPacketsPerSecond: Double, estimatedPacketsPerSecond: Double?,
                estimatedPeakPacketsPerSecond: Double?, monitoredAddresses: UInt64?, monitoredShareSource: String,
                isOngoing: Bool) {
        self.id = id; self.victim = victim; self.start = start; self.end = end; self.packets = packets
        self.bytes = bytes; self.sensorAddresses = sensorAddresses; self.sensorAddressesEstimated = sensorAddressesEstimated
        self.ipProtocol = ipProtocol; self.protocols = protocols; self.ports = ports; self.responses = responses
        self.peakPacketsPerSecond = peakPacketsPerSecond; self.peakMinuteRate = peakMinuteRate
        self.meanPacketsPerSecond = meanPacketsPerSecond; self.estimatedPacketsPerSecond = estimatedPacketsPerSecond
        self.estimatedPeakPacketsPerSecond = estimatedPeakPacketsPerSecond
        self.monitoredAddresses = monitoredAddresses; self.monitoredShareSource = monitoredShareSource
        self.isOngoing = isOngoing
    }

    enum CodingKeys: String, CodingKey {
        case id, victim, start, end, packets, bytes
        case durationSeconds = "duration_s"
        case sensorAddresses = "sensor_addresses"
        case sensorAddressesEstimated = "sensor_addresses_estimated"
        case ipProtocol = "protocol"
        case protocols, ports, responses
        case peakPacketsPerSecond = "peak_pps"
        case peakMinuteRate = "peak_minute_pps"
        case meanPacketsPerSecond = "mean_pps"
        case estimatedPacketsPerSecond = "estimated_pps"
        case estimatedPeakPacketsPerSecond = "estimated_peak_pps"
        case monitoredAddresses = "monitored_addresses"
        case monitoredShareSource = "monitored_share"
        case isOngoing = "ongoing"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Double {
            let text = try c.decode(String.self, forKey: key)
            guard let value = ISO8601Time.epochSeconds(from: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "'\(text)' is not an ISO 8601 UTC time")
            }
            return value
        }
        id = try c.decode(String.self, forKey: .id)
        victim = try c.decode(String.self, forKey: .victim)
        start = try time(.start)
        end = try time(.end)
        packets = try c.decode(Int.self, forKey: .packets)
        bytes = try c.decode(Int.self, forKey: .bytes)
        sensorAddresses = try c.decode(Int.self, forKey: .sensorAddresses)
        sensorAddressesEstimated = try c.decode(Bool.self, forKey: .sensorAddressesEstimated)
        ipProtocol = try c.decode(String.self, forKey: .ipProtocol)
        protocols = try c.decode([String].self, forKey: .protocols)
        ports = try c.decode([AttackPort].self, forKey: .ports)
        responses = try c.decode([AttackResponse].self, forKey: .responses)
        peakPacketsPerSecond = try c.decode(Double.self, forKey: .peakPacketsPerSecond)
        peakMinuteRate = try c.decode(Double.self, forKey: .peakMinuteRate)
        meanPacketsPerSecond = try c.decode(Double.self, forKey: .meanPacketsPerSecond)
        estimatedPacketsPerSecond = try c.decodeIfPresent(Double.self, forKey: .estimatedPacketsPerSecond)
        estimatedPeakPacketsPerSecond = try c.decodeIfPresent(Double.self, forKey: .estimatedPeakPacketsPerSecond)
        monitoredAddresses = try c.decodeIfPresent(UInt64.self, forKey: .monitoredAddresses)
        monitoredShareSource = try c.decode(String.self, forKey: .monitoredShareSource)
        isOngoing = try c.decode(Bool.self, forKey: .isOngoing)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(victim, forKey: .victim)
        try c.encode(ISO8601Time.string(from: start), forKey: .start)
        try c.encode(ISO8601Time.string(from: end), forKey: .end)
        try c.encode(duration, forKey: .durationSeconds)
        try c.encode(packets, forKey: .packets)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sensorAddresses, forKey: .sensorAddresses)
        try c.encode(sensorAddressesEstimated, forKey: .sensorAddressesEstimated)
        try c.encode(ipProtocol, forKey: .ipProtocol)
        try c.encode(protocols, forKey: .protocols)
        try c.encode(ports, forKey: .ports)
        try c.encode(responses, forKey: .responses)
        try c.encode(peakPacketsPerSecond, forKey: .peakPacketsPerSecond)
        try c.encode(peakMinuteRate, forKey: .peakMinuteRate)
        try c.encode(meanPacketsPerSecond, forKey: .meanPacketsPerSecond)
        // Always present (null when unknown) so that every line has the same fields.
        try c.encode(estimatedPacketsPerSecond, forKey: .estimatedPacketsPerSecond)
        try c.encode(estimatedPeakPacketsPerSecond, forKey: .estimatedPeakPacketsPerSecond)
        try c.encode(monitoredAddresses, forKey: .monitoredAddresses)
        try c.encode(monitoredShareSource, forKey: .monitoredShareSource)
        try c.encode(isOngoing, forKey: .isOngoing)
    }
}

/// A victim port (service) hit by an attack.
public struct AttackPort: Codable, Sendable, Hashable {
    public var ipProtocol: String
    public var port: UInt16
    public var service: String?
    public var packets: Int

    public init(ipProtocol: String, port: UInt16, service: String?, packets: Int) {
        self.ipProtocol = ipProtocol; self.port = port; self.service = service; self.packets = packets
    }

    enum CodingKeys: String, CodingKey {
        case ipProtocol = "protocol"
        case port, service, packets
    }

    /// "80/tcp (http)".
    public var label: String {
        "\(port)/\(ipProtocol.lowercased())" + (service.map { " (\($0))" } ?? "")
    }
}

/// How many packets of one reply kind a victim sent.
public struct AttackResponse: Codable, Sendable, Hashable {
    public var kind: String
    public var packets: Int

    public init(kind: String, packets: Int) { self.kind = kind; self.packets = packets }
}
