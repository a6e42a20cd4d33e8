import D4Basics
import Foundation
import PacketCapture

/// Writes a telescope capture (pcap, Ethernet, µs) whose content is known: background scanning
/// (SYN, stealth flag patterns, UDP probes, ping sweeps, ACK probes after a SYN), spoofed-source
/// attacks seen through their backscatter, Mirai-fingerprinted SYNs, Netis probes, ACK scanners and
/// malformed frames. Streams packet by packet in time order; `truth` tells what was written.
/// Used by the test suite and by `d4 bench analyze`.
public struct TelescopeTrafficGenerator {
    public let scenario: TelescopeScenario
    public private(set) var truth = GeneratedTrafficTruth()
    private var random: SeededRandom
    private var builder = FrameBuilder()
    private var emitters: [Emitter] = []
    private let scannerPool: [UInt32]
    private var scannerHasSynned: [Bool]
    private let miraiPool: [UInt32]
    private let netisPool: [UInt32]
    private var malformedVariant = 0
    private var ipID: UInt16 = 1

    private enum Source: Hashable {
        case background, mirai, netis, malformed
        case attack(Int)
        case ackScanner(Int)
    }

    private struct Emitter {
        var source: Source
        var next: Double
        let interval: Double
        let end: Double
        var sent = 0
    }

    public init(scenario: TelescopeScenario) {
        self.scenario = scenario
        random = SeededRandom(seed: scenario.seed)
        var reserved = Set(scenario.attacks.map(\.victim))
        for attack in scenario.attacks { reserved.insert(attack.victim & 0xFFFF_FF00 | 1) }
        reserved.formUnion(scenario.ackScanners.map(\.source))
        func pool(_ size: Int, _ random: inout SeededRandom) -> [UInt32] {
            var out: [UInt32] = []
            out.reserveCapacity(size)
            var used = Set<UInt32>()
            while out.count < size {
                // Unicast space 1.0.0.0–223.255.255.255, outside the telescope and the victims' /24s.
                let address = UInt32(truncatingIfNeeded: random.next()) % 0xDF00_0000 + 0x0100_0000
                guard !scenario.telescope.contains(.v4(address)), !reserved.contains(address),
                      !reserved.contains(address & 0xFFFF_FF00 | 1), address >> 24 != 127, address >> 24 != 10,
                      used.insert(address).inserted else { continue }
                out.append(address)
            }
            return out
        }
        var r = random
        scannerPool = pool(scenario.scannerPoolSize, &r)
        reserved.formUnion(scannerPool)
        miraiPool = pool(scenario.miraiPoolSize, &r)
        reserved.formUnion(miraiPool)
        netisPool = pool(scenario.netisPoolSize, &r)
        random = r
        scannerHasSynned = [Bool](repeating: false, count: scannerPool.count)

        let t0 = scenario.start, end = scenario.start + scenario.duration
        func periodic(_ source: Source, rate: Double, from: Double, until: Double) -> Emitter? {
            guard rate > 0, until > from else { return nil }
            return Emitter(source: source, next: from, interval: 1 / rate, end: until)
        }
        emitters = [
            periodic(.background, rate: scenario.backgroundRate, from: t0, until: end),
            periodic(.mirai, rate: scenario.miraiRate, from: t0 + 0.000_3, until: end),
            periodic(.netis, rate: scenario.netisRate, from: t0 + 0.000_7, until: end),
            periodic(.malformed, rate: scenario.malformedRate, from: t0 + 0.001_1, until: end),
        ].compactMap { $0 }
        for (i, plan) in scenario.attacks.enumerated() {
            let from = t0 + plan.start
            if let e = periodic(.attack(i), rate: plan.rate, from: from, until: from + plan.duration) { emitters.append(e) }
            truth.attacks.append(GeneratedTrafficTruth.AttackTruth(
                plan: plan, victim: .v4(plan.victim), first: .infinity, last: -.infinity, packets: 0, bytes: 0))
        }
        for (i, plan) in scenario.ackScanners.enumerated() {
            let from = t0 + plan.start
            if let e = periodic(.ackScanner(i), rate: plan.rate, from: from, until: from + plan.duration) {
                emitters.append(e)
            }
        }
    }

    /// Produces the next packet in time order: its capture time (µs precision) and frame bytes, valid
    /// until the next call. Nil at the end of the scenario.
    public mutating func next() -> (time: Double, frame: ArraySlice<UInt8>)? {
        var best = -1
        var bestTime = Double.infinity
        for i in emitters.indices where emitters[i].next <= emitters[i].end && emitters[i].next < bestTime {
            best = i
            bestTime = emitters[i].next
        }
        guard best >= 0 else { return nil }
        let emitter = emitters[best]
        emitters[best].sent += 1
        emitters[best].next = emitter.next + emitter.interval   // drift-free enough over 10^7 steps
        let time = (bestTime * 1_000_000).rounded() / 1_000_000
        ipID &+= 1
        switch emitter.source {
        case .background: background()
        case .mirai: mirai()
        case .netis: netis()
        case .malformed: malformed()
        case .attack(let i): attack(i, at: time)
        case .ackScanner(let i): ackScanner(i, sent: emitter.sent - 1)
        }
        truth.packets += 1
        return (time, builder.frame)
    }

    /// Writes the whole scenario as a pcap file (streaming, in 4 MiB chunks); returns the truth.
    @discardableResult
    public mutating func writeCapture(to path: String) throws -> GeneratedTrafficTruth {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CaptureWriteError.cannotCreate(path)
        }
        defer { try? handle.close() }
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        while let (time, frame) = next() {
            let seconds = time.rounded(.down)
            writer.append(seconds: UInt32(seconds), fraction: UInt32(((time - seconds) * 1_000_000).rounded()),
                          packet: frame)
            if writer.bytes.count >= 4 << 20 { try handle.write(contentsOf: writer.takeBytes()) }
        }
        try handle.write(contentsOf: writer.takeBytes())
        return truth
    }

    /// The whole scenario as pcap bytes in memory (for tests of modest size).
    public mutating func captureBytes() -> [UInt8] {
        var writer = PcapWriter(header: PcapFileHeader(linkType: 1))
        while let (time, frame) = next() {
            let seconds = time.rounded(.down)
            writer.append(seconds: UInt32(seconds), fraction: UInt32(((time - seconds) * 1_000_000).rounded()),
                          packet: frame)
        }
        return writer.bytes
    }

    // MARK: packet kinds

    private mutating func telescopeAddress() -> UInt32 {
        guard case .v4(let network) = scenario.telescope.address else { preconditionFailure("the generated telescope is IPv4") }
        return network | UInt32(truncatingIfNeeded: random.next()) & ~IPNetwork.ipv4Mask(scenario.telescope.prefixLength)
    }

    /// Ephemeral source ports, never a well-known service port (those make UDP look like a reply).
    private mutating func ephemeralPort() -> UInt16 { UInt16(32_768 + random.below(28_000)) }

    private static let tcpProbePorts: [UInt16] = [22, 80, 443, 445, 3389, 8080, 5900, 1433, 3306, 8443, 6379, 25, 21]
    private static let udpProbePorts: [UInt16] = [53, 123, 161, 1900, 5060, 11211, 137, 500, 3702, 389]

    private mutating func background() {
        let index = random.below(scannerPool.count)
        let source = scannerPool[index]
        let destination = telescopeAddress()
        let roll = random.below(1000)
        let port = Self.tcpProbePorts[random.below(Self.tcpProbePorts.count)]
        let sport = ephemeralPort()
        func probe(_ flags: UInt8, _ pattern: PacketPattern, _ builder: inout FrameBuilder, _ r: inout SeededRandom) {
            builder.tcp(source: source, destination: destination, sourcePort: sport, destinationPort: port,
                        sequence: UInt32(truncatingIfNeeded: r.next()), acknowledgement: 0, flags: flags, id: ipID)
            truth.patternCounts[pattern.index] += 1
        }
        switch roll {
        case 0 ..< 700:
            probe(0x02, .tcpLoneSyn, &builder, &random)
            scannerHasSynned[index] = true
        case 700 ..< 780:
            builder.udp(source: source, destination: destination, sourcePort: sport,
                        destinationPort: Self.udpProbePorts[random.below(Self.udpProbePorts.count)],
                        payloadLength: 12, id: ipID)
            truth.patternCounts[PacketPattern.udpProbe.index] += 1
        case 780 ..< 810: probe(0x00, .tcpNull, &builder, &random)
        case 810 ..< 840: probe(0x01, .tcpFin, &builder, &random)
        case 840 ..< 870: probe(0x29, .tcpXmas, &builder, &random)
        case 870 ..< 900: probe(0x11, .tcpMaimon, &builder, &random)
        case 900 ..< 940:
            builder.icmpEcho(reply: false, source: source, destination: destination,
                             identifier: UInt16(truncatingIfNeeded: index), sequence: UInt16(truncatingIfNeeded: roll),
                             id: ipID)
            truth.patternCounts[PacketPattern.icmpEchoRequest.index] += 1
        default:
            // ACK probe, only from a scanner that already sent a SYN (else it would be indistinguishable
            // from backscatter).
            if scannerHasSynned[index] {
                probe(0x10, .tcpAckOnly, &builder, &random)
            } else {
                probe(0x02, .tcpLoneSyn, &builder, &random)
                scannerHasSynned[index] = true
            }
        }
    }

    private static let miraiVariantPorts: [UInt16] = [7547, 5555, 37215, 52869, 8080, 81, 22]

    private mutating func mirai() {
        let source = miraiPool[random.below(miraiPool.count)]
        let destination = telescopeAddress()
        let roll = random.below(10)
        let port: UInt16 = roll < 8 ? 23 : roll == 8 ? 2323 : Self.miraiVariantPorts[random.below(Self.miraiVariantPorts.count)]
        builder.tcp(source: source, destination: destination, sourcePort: ephemeralPort(), destinationPort: port,
                    sequence: destination, acknowledgement: 0, flags: 0x02, ttl: 50, window: UInt16(random.below(65_535) + 1),
                    id: ipID)
        truth.patternCounts[PacketPattern.tcpMiraiSyn.index] += 1
        truth.miraiSources.insert(source)
    }

    private mutating func netis() {
        let source = netisPool[random.below(netisPool.count)]
        builder.udp(source: source, destination: telescopeAddress(), sourcePort: ephemeralPort(), destinationPort: 53413,
                    payloadLength: 8, id: ipID)
        truth.patternCounts[PacketPattern.udpNetis.index] += 1
        truth.netisSources.insert(source)
    }

    private mutating func malformed() {
        builder.malformed(variant: malformedVariant, source: scannerPool[random.below(scannerPool.count)],
                          destination: telescopeAddress())
        malformedVariant = (malformedVariant + 1) % FrameBuilder.malformedVariantCount
        truth.malformedPackets += 1
    }

    private mutating func attack(_ index: Int, at time: Double) {
        let plan = scenario.attacks[index]
        let sensor = telescopeAddress()
        let ephemeral = ephemeralPort()
        let pattern: PacketPattern
        switch plan.response {
        case .synAck:
            builder.tcp(source: plan.victim, destination: sensor, sourcePort: plan.victimPort, destinationPort: ephemeral,
                        sequence: UInt32(truncatingIfNeeded: random.next()),
                        acknowledgement: UInt32(truncatingIfNeeded: random.next()), flags: 0x12, id: ipID)
            pattern = .tcpSynAck
        case .rst:
            builder.tcp(source: plan.victim, destination: sensor, sourcePort: plan.victimPort, destinationPort: ephemeral,
                        sequence: UInt32(truncatingIfNeeded: random.next()), acknowledgement: 0, flags: 0x04, id: ipID)
            pattern = .tcpRst
        case .rstAck:
            builder.tcp(source: plan.victim, destination: sensor, sourcePort: plan.victimPort, destinationPort: ephemeral,
                        sequence: 0, acknowledgement: UInt32(truncatingIfNeeded: random.next()), flags: 0x14, id: ipID)
            pattern = .tcpRstAck
        case .icmpPortUnreachable:
            builder.icmpError(type: 3, code: 3, source: plan.victim, destination: sensor, quotedSource: sensor,
                              quotedDestination: plan.victim, quotedProtocol: 17, quotedSourcePort: ephemeral,
                              quotedDestinationPort: plan.victimPort, quotedSequence: 0, id: ipID)
            pattern = .icmpError
        case .icmpHostUnreachable:
            builder.icmpError(type: 3, code: 1, source: plan.victim & 0xFFFF_FF00 | 1, destination: sensor,
                              quotedSource: sensor, quotedDestination: plan.victim, quotedProtocol: 6,
                              quotedSourcePort: ephemeral, quotedDestinationPort: plan.victimPort,
                              quotedSequence: UInt32(truncatingIfNeeded: random.next()), id: ipID)
            pattern = .icmpError
        case .echoReply:
            builder.icmpEcho(reply: true, source: plan.victim, destination: sensor,
                             identifier: UInt16(truncatingIfNeeded: random.next()),
                             sequence: UInt16(truncatingIfNeeded: truth.attacks[index].packets), id: ipID)
            pattern = .icmpEchoReply
        }
        truth.patternCounts[pattern.index] += 1
        truth.attacks[index].packets += 1
        truth.attacks[index].bytes += builder.count - FrameBuilder.ethernetLength
        truth.attacks[index].first = min(truth.attacks[index].first, time)
        truth.attacks[index].last = max(truth.attacks[index].last, time)
    }

    private mutating func ackScanner(_ index: Int, sent: Int) {
        let plan = scenario.ackScanners[index]
        let destination = telescopeAddress()
        let port = UInt16(1 + (sent / 2) % 1024)
        let isAck = sent % 2 == 1
        builder.tcp(source: plan.source, destination: destination, sourcePort: 41_000, destinationPort: port,
                    sequence: UInt32(truncatingIfNeeded: random.next()),
                    acknowledgement: isAck ? UInt32(truncatingIfNeeded: random.next()) : 0,
                    flags: isAck ? 0x10 : 0x02, ttl: 45, id: ipID)
        truth.patternCounts[(isAck ? PacketPattern.tcpAckOnly : .tcpLoneSyn).index] += 1
        if isAck { truth.ackScannerPackets += 1 }
    }
}

public enum CaptureWriteError: Error, Sendable, CustomStringConvertible {
    case cannotCreate(String)

    public var description: String {
        switch self {
        case .cannotCreate(let path): "cannot create \(path): check that the folder exists and is writable"
        }
    }
}
