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
        guard classification.trafficClass == .scan else { return }
        let second = CaptureTime.floorSeconds(time)
        if hourIsOpen, second < hour.start + 3600, second >= hour.start - Self.reorderTolerance {
            // Still in the open hour (a slightly reordered earlier packet counts in it too).
        } else {
            rollHour(to: second)
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
    }

    private mutating func closeHour() {
        guard hourIsOpen else { return }
        hourIsOpen = false
        hourly.append(hour.summary(period: "hour", topPortCount: topPortCount))
        day?.merge(hour, limit: maximumExactSources)
    }

    private mutating func closeDay() {
        guard let closed = day else { return }
        day = nil
        daily.append(closed.summary(period: "day", topPortCount: topPortCount))
    }
}

/// Per-port counters of a botnet period (see `BotnetBucket.portSlots`).
struct PortSlot: Sendable {
    var packets: Int
    /// Index into the period's per-port sketches, -1 while the port has none.
    var sketch: Int32
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
/// target port, are HyperLogLog sketches (precision 8 per port: 256 bytes, ≈ 6.5 % error, near-exact
/// for small counts; precision 14 overall): one register update per scan packet instead of a lookup
/// in a table of every (scanner, port) pair, and memory bounded by the number of ports.
struct BotnetBucket: Sendable {
    private(set) var start: Int64
    var mirai = AddressSet()
    var netis = AddressSet()
    var scanners = DistinctAddressEstimator(precision: 14)
    var scanPackets = 0
    var miraiPackets = 0
    var netisPackets = 0
    /// Packets and sketch index per target port (TCP ports at 0..<65536, UDP at 65536..<131072), side by
    /// side: one cache miss per scan packet instead of two (the table is 2 MB, bigger than the caches,
    /// and scans hit ports at random).
    private var portSlots = [PortSlot](repeating: PortSlot(packets: 0, sketch: -1), count: 131_072)
    private var portSketches: [DistinctAddressEstimator] = []
    private var sketchSlots: [Int] = []
    var truncated = false

    static let portPrecision = 8

    init(start: Int64) { self.start = start }

    mutating func reset(start: Int64) {
        self.start = start
        mirai.removeAll()
        netis.removeAll()
        scanners.removeAll()
        scanPackets = 0
        miraiPackets = 0
        netisPackets = 0
        portSlots.withUnsafeMutableBufferPointer { slots in
            for i in slots.indices { slots[i].packets = 0 }
        }
        // Sketches stay allocated for their ports (memory bounded by the 131,072 port slots).
        for i in portSketches.indices { portSketches[i].removeAll() }
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
        if slot >= 0 {
            var index = portSlots.withUnsafeMutableBufferPointer { slots -> Int in
                slots[slot].packets &+= 1
                return Int(slots[slot].sketch)
            }
            if index < 0 {
                index = portSketches.count
                portSketches.append(DistinctAddressEstimator(precision: Self.portPrecision))
                sketchSlots.append(slot)
                portSlots[slot].sketch = Int32(index)
            }
            portSketches[index].insert(hash: hash)
        }
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
        for i in 0 ..< portSlots.count where other.portSlots[i].packets != 0 { portSlots[i].packets += other.portSlots[i].packets }
        scanners.merge(other.scanners)
        for (i, slot) in other.sketchSlots.enumerated() where other.portSlots[slot].packets != 0 {
            var index = Int(portSlots[slot].sketch)
            if index < 0 {
                index = portSketches.count
                portSketches.append(DistinctAddressEstimator(precision: Self.portPrecision))
                sketchSlots.append(slot)
                portSlots[slot].sketch = Int32(index)
            }
            portSketches[index].merge(other.portSketches[i])
        }
        other.mirai.forEach { if mirai.count < limit { mirai.insert($0) } else if !mirai.contains($0) { truncated = true } }
        other.netis.forEach { if netis.count < limit { netis.insert($0) } else if !netis.contains($0) { truncated = true } }
    }

    func summary(period: String, topPortCount: Int) -> BotnetPeriodCount {
        let ranked = sketchSlots.enumerated()
            .filter { portSlots[$0.element].packets > 0 }
            .map { (slot: $0.element, sources: Int(portSketches[$0.offset].estimate), packets: portSlots[$0.element].packets) }
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
