import PacketCapture

/// Groups backscatter per victim into attacks, live: feed packets with `observe`, call `expire`
/// as time passes (the idle timeout closes attacks), `closeAll` at the end of an offline input.
///
/// State is bounded: one flow per victim seen within the idle timeout, at most `maximumVictims`;
/// flows that never pass the thresholds are dropped silently when they expire (they are counted).
public struct AttackTracker: Sendable {
    public let configuration: AttackTrackerConfiguration
    /// Used to extrapolate rates; the owner updates it (e.g. from the distinct destinations seen).
    public var monitoredShare: MonitoredShare
    public private(set) var statistics = AttackTrackerStatistics()
    private var flows: [IPAddress: AttackFlow]

    public init(configuration: AttackTrackerConfiguration = AttackTrackerConfiguration(),
                monitoredShare: MonitoredShare = .unknown) {
        self.configuration = configuration
        self.monitoredShare = monitoredShare
        flows = Dictionary(minimumCapacity: min(configuration.maximumVictims, 4096))
    }

    /// Victims with a flow in progress (attacks and not-yet-attacks).
    public var trackedVictims: Int { flows.count }

    /// Snapshots of the flows that currently pass the thresholds.
    public var ongoingAttacks: [Attack] {
        flows.values.filter(\.isAttack).map {
            $0.snapshot(configuration: configuration, share: monitoredShare, ongoing: true)
        }.sorted { $0.start < $1.start }
    }

    /// Takes one packet with its classification; only backscatter is used. Calls `onEvent` for an
    /// attack that opens (passes the thresholds), is due for an update, or closes because this
    /// victim's previous flow had been idle longer than the timeout.
    @inline(__always)
    public mutating func observe(_ packet: DissectedPacket, classification: Classification, at time: Double,
                                 onEvent: (AttackEvent) -> Void) {
        guard classification.trafficClass == .backscatter, let facts = BackscatterFacts(packet) else { return }
        statistics.backscatterPackets &+= 1
        if let index = flows.index(forKey: facts.victim) {
            let step = flows.values[index].absorb(facts, sensor: packet.destination, bytes: packet.ipLength, at: time,
                                                  configuration: configuration)
            switch step {
            case .absorbed:
                return
            case .idleTooLong:
                let old = flows.remove(at: index).value
                finish(old, onEvent: onEvent)
                startFlow(facts, packet: packet, at: time, onEvent: onEvent)
            case .opened, .updateDue:
                emit(step, at: index, onEvent: onEvent)
            }
        } else {
            startFlow(facts, packet: packet, at: time, onEvent: onEvent)
        }
    }

    /// Convenience for callers that prefer a returned list.
    public mutating func observe(_ packet: DissectedPacket, classification: Classification,
                                 at time: Double) -> [AttackEvent] {
        var events: [AttackEvent] = []
        observe(packet, classification: classification, at: time) { events.append($0) }
        return events
    }

    /// Closes every flow idle for longer than the timeout at `now`.
    public mutating func expire(now: Double, onEvent: (AttackEvent) -> Void) {
        let idle = flows.filter { now - $0.value.end > configuration.idleTimeout }
        for (victim, flow) in idle.sorted(by: { $0.value.start < $1.value.start }) {
            flows.removeValue(forKey: victim)
            finish(flow, onEvent: onEvent)
        }
    }

    public mutating func expire(now: Double) -> [AttackEvent] {
        var events: [AttackEvent] = []
        expire(now: now) { events.append($0) }
        return events
    }

    /// Ends every flow (end of an offline input): attacks are reported closed, in start order.
    public mutating func closeAll(onEvent: (AttackEvent) -> Void) {
        let all = flows.values.sorted { $0.start < $1.start }
        flows.removeAll()
        for flow in all { finish(flow, onEvent: onEvent) }
    }

    public mutating func closeAll() -> [AttackEvent] {
        var events: [AttackEvent] = []
        closeAll { events.append($0) }
        return events
    }

    private mutating func startFlow(_ facts: BackscatterFacts, packet: DissectedPacket, at time: Double,
                                    onEvent: (AttackEvent) -> Void) {
        if flows.count >= configuration.maximumVictims {
            expire(now: time, onEvent: onEvent)
            guard flows.count < configuration.maximumVictims else {
                statistics.packetsRejectedAtCapacity &+= 1
                return
            }
        }
        var flow = AttackFlow(victim: facts.victim, time: time, configuration: configuration)
        flow.add(facts, sensor: packet.destination, bytes: packet.ipLength, at: time, configuration: configuration)
        statistics.flowsStarted &+= 1
        let step = flow.step(at: time, configuration: configuration)
        flows[facts.victim] = flow
        if step == .opened || step == .updateDue, let index = flows.index(forKey: facts.victim) {
            emit(step, at: index, onEvent: onEvent)
        }
    }

    private mutating func emit(_ step: AttackFlow.Step, at index: Dictionary<IPAddress, AttackFlow>.Index,
                               onEvent: (AttackEvent) -> Void) {
        let attack = flows.values[index].snapshot(configuration: configuration, share: monitoredShare, ongoing: true)
        if step == .opened {
            statistics.attacksOpened &+= 1
            onEvent(AttackEvent(kind: .opened, attack: attack))
        } else {
            onEvent(AttackEvent(kind: .updated, attack: attack))
        }
    }

    private mutating func finish(_ flow: AttackFlow, onEvent: (AttackEvent) -> Void) {
        guard flow.isAttack || flow.passesThresholds(configuration) else {
            statistics.flowsBelowThresholds &+= 1
            return
        }
        if !flow.isAttack { statistics.attacksOpened &+= 1 }
        statistics.attacksClosed &+= 1
        onEvent(AttackEvent(kind: .closed,
                            attack: flow.snapshot(configuration: configuration, share: monitoredShare, ongoing: false)))
    }
}

/// Counters of the tracker's own work, for reports and the server's status.
public struct AttackTrackerStatistics: Codable, Sendable, Hashable {
    public var backscatterPackets = 0
    public var flowsStarted = 0
    public var flowsBelowThresholds = 0
    public var attacksOpened = 0
    public var attacksClosed = 0
    /// Backscatter packets of new victims dropped because `maximumVictims` flows were running.
    public var packetsRejectedAtCapacity = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case backscatterPackets = "backscatter_packets"
        case flowsStarted = "flows_started"
        case flowsBelowThresholds = "flows_below_thresholds"
        case attacksOpened = "attacks_opened"
        case attacksClosed = "attacks_closed"
        case packetsRejectedAtCapacity = "packets_rejected_at_capacity"
    }
}
