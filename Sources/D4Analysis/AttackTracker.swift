import D4Basics
import D4Results
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
    /// The flows, dense (removal moves the last one into the gap), and where each victim's flow is:
    /// a flat open-addressing map instead of a Dictionary, whose SipHash cost more than the rest of
    /// the per-packet work of a backscatter packet.
    private var flows: [AttackFlow] = []
    private var flowIndex: FastIndexMap<IPAddress>

    public init(configuration: AttackTrackerConfiguration = AttackTrackerConfiguration(),
                monitoredShare: MonitoredShare = .unknown) {
        self.configuration = configuration
        self.monitoredShare = monitoredShare
        flowIndex = FastIndexMap(minimumCapacity: min(configuration.maximumVictims, 4096))
    }

    /// Victims with a flow in progress (attacks and not-yet-attacks).
    public var trackedVictims: Int { flows.count }

    /// Snapshots of the flows that currently pass the thresholds.
    public var ongoingAttacks: [Attack] {
        flows.filter(\.isAttack).map {
            $0.snapshot(configuration: configuration, share: monitoredShare, ongoing: true)
        }.sorted { $0.start < $1.start }
    }

    /// Takes one packet with its classification; only backscatter is used. Calls `onEvent` for an
    /// attack that opens (passes the thresholds), is due for an update, or closes because this
    /// victim's previous flow had been idle longer than the timeout.
    @inline(__always)
    public mutating func observe(_ packet: DissectedPacket, classification: Classification, at time: Double,
                                 onEvent: (AttackEvent) -> Void) {
        var packet = packet
        observe(dissected: &packet, classification: classification, at: time, onEvent: onEvent)
    }

    /// `observe` with the packet passed by reference (`inout`, not changed): the analyzer's per-packet
    /// path, where a by-value packet was copied per call.
    mutating func observe(dissected packet: inout DissectedPacket, classification: Classification, at time: Double,
                          onEvent: (AttackEvent) -> Void) {
        guard classification.trafficClass == .backscatter, let facts = BackscatterFacts(packet) else { return }
        statistics.backscatterPackets &+= 1
        if let index = flowIndex.find(facts.victim) {
            let step = flows[index].absorb(facts, sensor: packet.destination, bytes: packet.ipLength, at: time,
                                                  configuration: configuration)
            switch step {
            case .absorbed:
                return
            case .idleTooLong:
                let old = removeFlow(at: index)
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
        let idle = flows.filter { now - $0.end > configuration.idleTimeout }
        guard !idle.isEmpty else { return }
        for flow in idle.sorted(by: { $0.start < $1.start }) {
            if let index = flowIndex.find(flow.victim) { _ = removeFlow(at: index) }
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
        let all = flows.sorted { $0.start < $1.start }
        flows.removeAll()
        flowIndex.removeAll()
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
        flowIndex.set(facts.victim, to: flows.count)
        flows.append(flow)
        if step == .opened || step == .updateDue {
            emit(step, at: flows.count - 1, onEvent: onEvent)
        }
    }

    /// Takes the flow at `index` out; the last flow moves into its place.
    private mutating func removeFlow(at index: Int) -> AttackFlow {
        let last = flows.count - 1
        if index != last {
            flows.swapAt(index, last)
            flowIndex.set(flows[index].victim, to: index)
        }
        let flow = flows.removeLast()
        flowIndex.remove(flow.victim)
        return flow
    }

    private mutating func emit(_ step: AttackFlow.Step, at index: Int, onEvent: (AttackEvent) -> Void) {
        let attack = flows[index].snapshot(configuration: configuration, share: monitoredShare, ongoing: true)
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
