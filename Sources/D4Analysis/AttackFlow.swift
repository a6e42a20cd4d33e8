import D4Basics
import D4Results
import PacketCapture

/// The running state of one victim's backscatter flow (an attack once it passes the thresholds).
struct AttackFlow: Sendable {
    let victim: IPAddress
    var start: Double
    var end: Double
    var packets = 0
    var bytes = 0
    var sensors = DistinctAddressCounter()
    /// Key: protocol << 16 | port.
    var ports: BoundedTally<UInt32>
    var protocols: BoundedTally<UInt8>
    var responses: BoundedTally<ResponseKind>
    var secondBucket: Int64
    var inSecond = 0
    var peakPerSecond = 0
    var windowBucket: Int64
    var inWindow = 0
    var peakPerWindow = 0
    var isAttack = false
    var lastEventTime: Double

    init(victim: IPAddress, time: Double, configuration: AttackTrackerConfiguration) {
        self.victim = victim
        start = time
        end = time
        sensors = DistinctAddressCounter(exactLimit: configuration.exactSensorAddresses)
        ports = BoundedTally(limit: configuration.maximumPortsPerAttack)
        protocols = BoundedTally(limit: 8)
        responses = BoundedTally(limit: configuration.maximumPortsPerAttack)
        secondBucket = CaptureTime.floorSeconds(time)
        windowBucket = CaptureTime.floorSeconds(time / configuration.rateWindow)
        lastEventTime = time
    }

    @inline(__always)
    mutating func add(_ facts: BackscatterFacts, sensor: IPAddress, bytes count: Int, at time: Double,
                      configuration: AttackTrackerConfiguration) {
        packets &+= 1
        bytes &+= count
        if time < start { start = time }
        if time > end { end = time }
        sensors.insert(sensor)
        if let port = facts.victimPort { ports.add(UInt32(facts.attackProtocol) << 16 | UInt32(port)) }
        protocols.add(facts.attackProtocol)
        responses.add(facts.response)
        // Rate buckets; a packet older than the current bucket (reordered input) counts in it.
        // `x >= bucket + 1` is `floor(x) > bucket` without the floor, for the usual packet of the
        // current bucket; a negative bucket (from a corrupt time) takes the exact path.
        if time >= Double(secondBucket &+ 1) || secondBucket < 0 {
            let second = CaptureTime.floorSeconds(time)
            if second > secondBucket {
                secondBucket = second
                inSecond = 0
            }
        }
        inSecond += 1
        if inSecond > peakPerSecond { peakPerSecond = inSecond }
        let windows = time / configuration.rateWindow
        if windows >= Double(windowBucket &+ 1) || windowBucket < 0 {
            let window = CaptureTime.floorSeconds(windows)
            if window > windowBucket {
                windowBucket = window
                inWindow = 0
            }
        }
        inWindow += 1
        if inWindow > peakPerWindow { peakPerWindow = inWindow }
    }

    /// What one more packet did to the flow.
    enum Step { case absorbed, idleTooLong, opened, updateDue }

    /// Adds a packet unless the flow has been idle too long, and says whether an event is due. One
    /// mutating call per packet: reading fields through `Dictionary.Values` would copy the flow.
    @inline(__always)
    mutating func absorb(_ facts: BackscatterFacts, sensor: IPAddress, bytes count: Int, at time: Double,
                         configuration: AttackTrackerConfiguration) -> Step {
        if time - end > configuration.idleTimeout { return .idleTooLong }
        add(facts, sensor: sensor, bytes: count, at: time, configuration: configuration)
        return step(at: time, configuration: configuration)
    }

    @inline(__always)
    mutating func step(at time: Double, configuration: AttackTrackerConfiguration) -> Step {
        if isAttack {
            guard time - lastEventTime >= configuration.updateInterval else { return .absorbed }
            lastEventTime = time
            return .updateDue
        }
        guard passesThresholds(configuration) else { return .absorbed }
        isAttack = true
        lastEventTime = time
        return .opened
    }

    func peakWindowRate(_ configuration: AttackTrackerConfiguration) -> Double {
        Double(peakPerWindow) / configuration.rateWindow
    }

    func passesThresholds(_ configuration: AttackTrackerConfiguration) -> Bool {
        packets > configuration.minimumPackets && end - start > configuration.minimumDuration
            && peakWindowRate(configuration) > configuration.minimumPeakRate
    }

    func snapshot(configuration: AttackTrackerConfiguration, share: MonitoredShare, ongoing: Bool) -> Attack {
        let duration = end - start
        let mean = duration >= 1 ? Double(packets) / duration : Double(packets)
        let factor = victim.isV4 ? share.extrapolationFactor : nil
        let protocolList = protocols.sorted.map { ServiceNames.protocolName($0.key) }
        let portList = ports.sorted.map { entry -> AttackPort in
            let proto = UInt8(truncatingIfNeeded: entry.key >> 16)
            let port = UInt16(truncatingIfNeeded: entry.key)
            return AttackPort(ipProtocol: ServiceNames.protocolName(proto), port: port,
                              service: ServiceNames.name(port: port, ipProtocol: proto), packets: entry.count)
        }
        return Attack(
            id: StableIdentifier.uuid(victim: victim, start: start), victim: victim.description, start: start, end: end,
            packets: packets, bytes: bytes, sensorAddresses: sensors.count, sensorAddressesEstimated: sensors.isEstimate,
            ipProtocol: protocolList.first ?? "unknown", protocols: protocolList, ports: portList,
            responses: responses.sorted.map { AttackResponse(kind: $0.key.name, packets: $0.count) },
            peakPacketsPerSecond: Double(peakPerSecond), peakMinuteRate: peakWindowRate(configuration),
            meanPacketsPerSecond: mean, estimatedPacketsPerSecond: factor.map { mean * $0 },
            estimatedPeakPacketsPerSecond: factor.map { Double(peakPerSecond) * $0 },
            monitoredAddresses: victim.isV4 ? share.addresses : nil, monitoredShareSource: share.source,
            isOngoing: ongoing)
    }
}
