import D4Basics
import D4Results
import PacketCapture

/// Counts botnet capacity as a telescope sees it: per UTC hour and day, the distinct sources with the
/// Mirai fingerprint, the distinct Netis-exploit sources, and the distinct scanners per target port.
///
/// Streaming and bounded: only the current hour and day are open; a closed period becomes a
/// `BotnetPeriodCount`. Per scan packet two sketch-register updates and an array increment (plus a
/// set insert for Mirai/Netis sources); the day is the union of its hours, merged when an hour
/// closes. Mirai and Netis sources are exact up to `maximumExactSources` per period (then `truncated`);
/// distinct scanners overall and per port are HyperLogLog estimates.
public struct BotnetCapacityCounter: Sendable {
    public let topPortCount: Int
    public let maximumExactSources: Int
    public private(set) var hourly: [BotnetPeriodCount] = []
    public private(set) var daily: [BotnetPeriodCount] = []
    /// The open hour; meaningful only while `hourIsOpen` (kept non-optional so that the per-packet
    /// update mutates it in place).
    private var hour = BotnetBucket(start: 0)
    private var hourIsOpen = false
    /// Capture times that surely fall in the open hour (reorder tolerance included).
    private var openHourAccepts: Range<Double> = 0 ..< 0
    private var day: BotnetBucket?

    /// Packets up to this many seconds before the open hour count in it; earlier ones (another
    /// capture file going back in time) close it and open their own hour.
    static let reorderTolerance: Int64 = 300

    public init(topPortCount: Int = 10, maximumExactSources: Int = 1_000_000) {
        self.topPortCount = max(1, topPortCount)
        self.maximumExactSources = max(1, maximumExactSources)
    }

    /// Takes one classified packet; only scans count.
    @inline(__always)
    public mutating func observe(_ packet: DissectedPacket, classification: Classification, at time: Double) {
        var packet = packet
        observe(dissected: &packet, classification: classification, at: time)
    }

    /// `observe` with the packet passed by reference (`inout`, not changed): the analyzer's per-packet
    /// path, where a by-value packet was copied per call.
    mutating func observe(dissected packet: inout DissectedPacket, classification: Classification, at time: Double) {
        guard classification.trafficClass == .scan else { return }
        // The usual case, a packet of the open hour, without rounding the time to whole seconds.
        if !(hourIsOpen && time >= openHourAccepts.lowerBound && time < openHourAccepts.upperBound) {
            let second = CaptureTime.floorSeconds(time)
            if hourIsOpen, second < hour.start + 3600, second >= hour.start - Self.reorderTolerance {
                // Still in the open hour (a slightly reordered earlier packet counts in it too).
            } else {
                rollHour(to: second)
            }
        }
        let target: ScanTarget
        switch packet.transport {
        case .tcp(let tcp): target = ScanTarget(source: packet.source, ipProtocol: 6, port: tcp.destinationPort)
        case .udp(let udp): target = ScanTarget(source: packet.source, ipProtocol: 17, port: udp.destinationPort)
        default: target = ScanTarget(source: packet.source, ipProtocol: packet.ipProtocol, port: 0)
        }
        hour.add(target, pattern: classification.pattern, limit: maximumExactSources)
    }

    /// Closes the open hour and day (end of an offline input) and returns the whole report.
    public mutating func finish() -> BotnetCapacityReport {
        closeHour()
        closeDay()
        return report
    }

    /// What is closed so far (open periods are not included).
    public var report: BotnetCapacityReport { BotnetCapacityReport(hourly: hourly, daily: daily) }

    private mutating func rollHour(to second: Int64) {
        closeHour()
        let start = second - ((second % 3600) + 3600) % 3600
        if let open = day, start >= open.start + 86_400 || start < open.start { closeDay() }
        if day == nil {
            day = BotnetBucket(start: start - ((start % 86_400) + 86_400) % 86_400)
        }
        hour.reset(start: start)   // reuses the tables' storage: memory stays flat hour after hour
        hourIsOpen = true
        openHourAccepts = Double(start - Self.reorderTolerance) ..< Double(start + 3600)
    }

    private mutating func closeHour() {
        guard hourIsOpen else { return }
        hourIsOpen = false
        hourly.append(hour.summary(period: .hour, topPortCount: topPortCount))
        day?.merge(hour, limit: maximumExactSources)
    }

    private mutating func closeDay() {
        guard let closed = day else { return }
        day = nil
        daily.append(closed.summary(period: .day, topPortCount: topPortCount))
    }
}

/// A scanner hitting one target port.
struct ScanTarget: Hashable, Sendable {
    var source: IPAddress
    var ipProtocol: UInt8
    var port: UInt16
}

/// The open state of one period.
///
/// Mirai and Netis sources are counted exactly (bounded by `limit`); distinct scanners, overall and per
/// target port, are HyperLogLog sketches (precision 8 per port in `PortScanTallies`; precision 14
/// overall): one register update per scan packet instead of a lookup in a table of every
/// (scanner, port) pair, and memory bounded by the number of ports.
struct BotnetBucket: Sendable {
    private(set) var start: Int64
    var mirai = AddressSet()
    var netis = AddressSet()
    var scanners = DistinctAddressEstimator(precision: 14)
    var scanPackets = 0
    var miraiPackets = 0
    var netisPackets = 0
    /// Packets and distinct scanners per target port.
    private var ports = PortScanTallies()
    var truncated = false

    init(start: Int64) { self.start = start }

    mutating func reset(start: Int64) {
        self.start = start
        mirai.removeAll()
        netis.removeAll()
        scanners.removeAll()
        scanPackets = 0
        miraiPackets = 0
        netisPackets = 0
        ports.clear()
        truncated = false
    }

    @inline(__always)
    mutating func add(_ target: ScanTarget, pattern: PacketPattern, limit: Int) {
        scanPackets &+= 1
        let hash = DistinctAddressEstimator.hash(target.source)
        scanners.insert(hash: hash)
        let slot: Int
        switch target.ipProtocol {
        case 6: slot = Int(target.port)
        case 17: slot = 65_536 + Int(target.port)
        default: slot = -1
        }
        if slot >= 0 { ports.add(slot: slot, hash: hash) }
        if pattern == .tcpMiraiSyn {
            miraiPackets &+= 1
            if mirai.count < limit { mirai.insert(target.source) } else if !mirai.contains(target.source) { truncated = true }
        } else if pattern == .udpNetis {
            netisPackets &+= 1
            if netis.count < limit { netis.insert(target.source) } else if !netis.contains(target.source) { truncated = true }
        }
    }

    mutating func merge(_ other: BotnetBucket, limit: Int) {
        scanPackets += other.scanPackets
        miraiPackets += other.miraiPackets
        netisPackets += other.netisPackets
        truncated = truncated || other.truncated
        scanners.merge(other.scanners)
        ports.merge(other.ports)
        mirai.reserveCapacity(min(limit, mirai.count + other.mirai.count))
        netis.reserveCapacity(min(limit, netis.count + other.netis.count))
        other.mirai.forEach { if mirai.count < limit { mirai.insert($0) } else if !mirai.contains($0) { truncated = true } }
        other.netis.forEach { if netis.count < limit { netis.insert($0) } else if !netis.contains($0) { truncated = true } }
    }

    func summary(period: BotnetPeriod, topPortCount: Int) -> BotnetPeriodCount {
        let ranked = ports.entries
            .sorted { a, b in
                if a.sources != b.sources { return a.sources > b.sources }
                if a.packets != b.packets { return a.packets > b.packets }
                return a.slot < b.slot
            }
        let top = ranked.prefix(topPortCount).map { entry -> PortScanCount in
            let proto: UInt8 = entry.slot >= 65_536 ? 17 : 6
            let port = UInt16(truncatingIfNeeded: entry.slot & 0xFFFF)
            return PortScanCount(ipProtocol: ServiceNames.protocolName(proto), port: port,
                                 service: ServiceNames.name(port: port, ipProtocol: proto),
                                 sources: entry.sources, packets: entry.packets)
        }
        return BotnetPeriodCount(start: Double(start), period: period, miraiSources: mirai.count,
                                 miraiPackets: miraiPackets, netisSources: netis.count, netisPackets: netisPackets,
                                 scannerSources: Int(scanners.estimate), scanPackets: scanPackets, topPorts: Array(top),
                                 truncated: truncated)
    }
}
