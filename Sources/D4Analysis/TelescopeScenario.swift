import D4Basics

/// What `TelescopeTrafficGenerator` writes: a telescope's traffic with known content.
public struct TelescopeScenario: Sendable, Hashable {
    /// One spoofed-source attack, seen through the victim's replies.
    public struct AttackPlan: Sendable, Hashable {
        public enum Response: String, Sendable, Hashable, CaseIterable {
            /// SYN flood: the victim answers SYN/ACK.
            case synAck
            /// The victim answers RST (closed port) / RST+ACK.
            case rst, rstAck
            /// UDP flood to a closed port: the victim answers ICMP port unreachable.
            case icmpPortUnreachable
            /// The victim's router answers ICMP host unreachable (quoting a TCP SYN to the victim).
            case icmpHostUnreachable
            /// ICMP flood: the victim answers echo replies.
            case echoReply
        }

        public var victim: UInt32
        public var response: Response
        public var victimPort: UInt16
        /// Seconds after the scenario start.
        public var start: Double
        public var duration: Double
        /// Backscatter packets per second at the telescope (evenly spaced).
        public var rate: Double

        public init(victim: UInt32, response: Response, victimPort: UInt16, start: Double, duration: Double,
                    rate: Double) {
            self.victim = victim; self.response = response; self.victimPort = victimPort
            self.start = start; self.duration = duration; self.rate = rate
        }
    }

    /// A scanner that alternates SYN and ACK probes (an nmap -sS then -sA run): its ACKs look like
    /// backscatter and must be recognised as scanning.
    public struct AckScannerPlan: Sendable, Hashable {
        public var source: UInt32
        public var start: Double
        public var duration: Double
        public var rate: Double

        public init(source: UInt32, start: Double, duration: Double, rate: Double) {
            self.source = source; self.start = start; self.duration = duration; self.rate = rate
        }
    }

    public var seed: UInt64
    /// Seconds since the epoch of the first packet slot.
    public var start: Double
    public var duration: Double
    public var telescope: IPNetwork
    public var backgroundRate: Double
    public var scannerPoolSize: Int
    public var miraiRate: Double
    public var miraiPoolSize: Int
    public var netisRate: Double
    public var netisPoolSize: Int
    public var malformedRate: Double
    public var attacks: [AttackPlan]
    public var ackScanners: [AckScannerPlan]

    public init(seed: UInt64 = 1, start: Double = 1_700_000_000, duration: Double,
                telescope: IPNetwork = IPNetwork(address: .v4(0xC612_0000), prefixLength: 16)!,
                backgroundRate: Double, scannerPoolSize: Int = 5000, miraiRate: Double = 0, miraiPoolSize: Int = 500,
                netisRate: Double = 0, netisPoolSize: Int = 100, malformedRate: Double = 0,
                attacks: [AttackPlan] = [], ackScanners: [AckScannerPlan] = []) {
        self.seed = seed; self.start = start; self.duration = duration; self.telescope = telescope
        self.backgroundRate = backgroundRate; self.scannerPoolSize = max(1, scannerPoolSize)
        self.miraiRate = miraiRate; self.miraiPoolSize = max(1, miraiPoolSize)
        self.netisRate = netisRate; self.netisPoolSize = max(1, netisPoolSize)
        self.malformedRate = malformedRate; self.attacks = attacks; self.ackScanners = ackScanners
    }

    /// A scenario of about `packets` packets over one hour for the benchmark: 40 attacks of mixed kinds,
    /// Mirai and Netis scanning, malformed frames, the rest background scanning from 50,000 sources.
    public static func benchmark(packets: Int, seed: UInt64 = 7) -> TelescopeScenario {
        let duration = 3600.0
        var attacks: [AttackPlan] = []
        var random = SeededRandom(seed: seed ^ 0xA77A)
        let responses = AttackPlan.Response.allCases
        for i in 0 ..< 40 {
            // Victims in 203.0.113.0/24 and 192.0.2.0/24 (documentation ranges, never scanners).
            let victim: UInt32 = (i % 2 == 0 ? 0xCB00_7100 : 0xC000_0200) | UInt32(10 + i)
            attacks.append(AttackPlan(victim: victim, response: responses[i % responses.count],
                                      victimPort: [80, 443, 53, 22, 25565, 3074][i % 6],
                                      start: Double(random.below(2400)), duration: 300 + Double(random.below(900)),
                                      rate: 20 + Double(random.below(60))))
        }
        let attackPackets = attacks.reduce(0.0) { $0 + $1.rate * $1.duration }
        let fixed = attackPackets + (200 + 20 + 2) * duration
        let background = max(1.0, (Double(packets) - fixed) / duration)
        return TelescopeScenario(seed: seed, duration: duration, backgroundRate: background,
                                 scannerPoolSize: 50_000, miraiRate: 200, miraiPoolSize: 20_000, netisRate: 20,
                                 netisPoolSize: 2000, malformedRate: 2, attacks: attacks)
    }
}
