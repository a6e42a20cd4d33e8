import D4Basics

/// The length of a botnet-capacity period: a UTC hour or a UTC day.
public enum BotnetPeriod: String, Codable, Sendable, Hashable, CaseIterable {
    case hour
    case day

    public var seconds: Double { self == .hour ? 3600 : 86_400 }
}

/// Botnet-capacity figures of one period (an hour or a day): the values the JSON report and an API serve.
public struct BotnetPeriodCount: Codable, Sendable, Hashable {
    /// Start of the period, seconds since the epoch (UTC-aligned hour or day).
    public var start: Double
    public var period: BotnetPeriod
    /// Distinct sources of TCP SYNs with the Mirai fingerprint (sequence number = destination address).
    public var miraiSources: Int
    public var miraiPackets: Int
    /// Distinct sources of UDP probes to the Netis backdoor port 53413.
    public var netisSources: Int
    public var netisPackets: Int
    /// Distinct sources of any scan packet.
    public var scannerSources: Int
    public var scanPackets: Int
    /// Target ports by distinct scanners (most first), at most the configured number.
    public var topPorts: [PortScanCount]
    /// True when the distinct-source tables hit their bound: counts are lower bounds.
    public var truncated: Bool

    public init(start: Double, period: BotnetPeriod, miraiSources: Int, miraiPackets: Int, netisSources: Int,
                netisPackets: Int, scannerSources: Int, scanPackets: Int, topPorts: [PortScanCount], truncated: Bool) {
        self.start = start; self.period = period; self.miraiSources = miraiSources; self.miraiPackets = miraiPackets
        self.netisSources = netisSources; self.netisPackets = netisPackets; self.scannerSources = scannerSources
        self.scanPackets = scanPackets; self.topPorts = topPorts; self.truncated = truncated
    }

    enum CodingKeys: String, CodingKey {
        case start, period
        case miraiSources = "mirai_sources"
        case miraiPackets = "mirai_packets"
        case netisSources = "netis_sources"
        case netisPackets = "netis_packets"
        case scannerSources = "scanner_sources"
        case scanPackets = "scan_packets"
        case topPorts = "top_ports"
        case truncated
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .start)
        guard let start = ISO8601Time.epochSeconds(from: text) else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: "'\(text)' is not ISO 8601")
        }
        self.start = start
        period = try c.decode(BotnetPeriod.self, forKey: .period)
        miraiSources = try c.decode(Int.self, forKey: .miraiSources)
        miraiPackets = try c.decode(Int.self, forKey: .miraiPackets)
        netisSources = try c.decode(Int.self, forKey: .netisSources)
        netisPackets = try c.decode(Int.self, forKey: .netisPackets)
        scannerSources = try c.decode(Int.self, forKey: .scannerSources)
        scanPackets = try c.decode(Int.self, forKey: .scanPackets)
        topPorts = try c.decode([PortScanCount].self, forKey: .topPorts)
        truncated = try c.decode(Bool.self, forKey: .truncated)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ISO8601Time.string(from: start), forKey: .start)
        try c.encode(period, forKey: .period)
        try c.encode(miraiSources, forKey: .miraiSources)
        try c.encode(miraiPackets, forKey: .miraiPackets)
        try c.encode(netisSources, forKey: .netisSources)
        try c.encode(netisPackets, forKey: .netisPackets)
        try c.encode(scannerSources, forKey: .scannerSources)
        try c.encode(scanPackets, forKey: .scanPackets)
        try c.encode(topPorts, forKey: .topPorts)
        try c.encode(truncated, forKey: .truncated)
    }
}

public typealias BotnetHourlyCount = BotnetPeriodCount
public typealias BotnetDailyCount = BotnetPeriodCount

/// Scanning of one target port within a period.
public struct PortScanCount: Codable, Sendable, Hashable {
    public var ipProtocol: String
    public var port: UInt16
    public var service: String?
    public var sources: Int
    public var packets: Int

    public init(ipProtocol: String, port: UInt16, service: String?, sources: Int, packets: Int) {
        self.ipProtocol = ipProtocol; self.port = port; self.service = service; self.sources = sources
        self.packets = packets
    }

    enum CodingKeys: String, CodingKey {
        case ipProtocol = "protocol"
        case port, service, sources, packets
    }
}

/// The `--botnets` report: per hour and per day, plus the trend of the hourly Mirai/Netis counts.
public struct BotnetCapacityReport: Codable, Sendable, Hashable {
    public var hourly: [BotnetPeriodCount]
    public var daily: [BotnetPeriodCount]
    public var trend: BotnetTrend

    public init(hourly: [BotnetPeriodCount], daily: [BotnetPeriodCount]) {
        self.hourly = hourly
        self.daily = daily
        trend = BotnetTrend(hourly: hourly)
    }
}

/// Direction of the botnet population over the hours covered: least-squares slope of the hourly
/// distinct-source counts (sources per hour, per hour) and the busiest hour.
public struct BotnetTrend: Codable, Sendable, Hashable {
    public var hours: Int
    public var miraiSourcesSlopePerHour: Double
    public var netisSourcesSlopePerHour: Double
    public var scannerSourcesSlopePerHour: Double
    public var peakMiraiHour: Double?
    public var peakMiraiSources: Int

    public init(hourly: [BotnetPeriodCount]) {
        hours = hourly.count
        miraiSourcesSlopePerHour = Self.slope(hourly.map { Double($0.miraiSources) })
        netisSourcesSlopePerHour = Self.slope(hourly.map { Double($0.netisSources) })
        scannerSourcesSlopePerHour = Self.slope(hourly.map { Double($0.scannerSources) })
        let peak = hourly.max { $0.miraiSources < $1.miraiSources }
        peakMiraiHour = peak?.start
        peakMiraiSources = peak?.miraiSources ?? 0
    }

    static func slope(_ values: [Double]) -> Double {
        let n = Double(values.count)
        guard values.count >= 2 else { return 0 }
        let meanX = (n - 1) / 2
        let meanY = values.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for (i, y) in values.enumerated() {
            num += (Double(i) - meanX) * (y - meanY)
            den += (Double(i) - meanX) * (Double(i) - meanX)
        }
        return den == 0 ? 0 : num / den
    }

    enum CodingKeys: String, CodingKey {
        case hours
        case miraiSourcesSlopePerHour = "mirai_sources_slope_per_hour"
        case netisSourcesSlopePerHour = "netis_sources_slope_per_hour"
        case scannerSourcesSlopePerHour = "scanner_sources_slope_per_hour"
        case peakMiraiHour = "peak_mirai_hour"
        case peakMiraiSources = "peak_mirai_sources"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hours = try c.decode(Int.self, forKey: .hours)
        miraiSourcesSlopePerHour = try c.decode(Double.self, forKey: .miraiSourcesSlopePerHour)
        netisSourcesSlopePerHour = try c.decode(Double.self, forKey: .netisSourcesSlopePerHour)
        scannerSourcesSlopePerHour = try c.decode(Double.self, forKey: .scannerSourcesSlopePerHour)
        peakMiraiHour = try c.decodeIfPresent(String.self, forKey: .peakMiraiHour).flatMap(ISO8601Time.epochSeconds(from:))
        peakMiraiSources = try c.decode(Int.self, forKey: .peakMiraiSources)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hours, forKey: .hours)
        try c.encode(miraiSourcesSlopePerHour, forKey: .miraiSourcesSlopePerHour)
        try c.encode(netisSourcesSlopePerHour, forKey: .netisSourcesSlopePerHour)
        try c.encode(scannerSourcesSlopePerHour, forKey: .scannerSourcesSlopePerHour)
        try c.encode(peakMiraiHour.map(ISO8601Time.string(from:)), forKey: .peakMiraiHour)
        try c.encode(peakMiraiSources, forKey: .peakMiraiSources)
    }
}
