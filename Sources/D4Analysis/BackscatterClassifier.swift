import PacketCapture

/// Gives each packet seen by a telescope one class (backscatter, scan, other) and the reason.
///
/// Rules (a darknet sensor never originates traffic):
/// - TCP SYN/ACK, RST, RST/ACK and ACK-only answer connections the sensor never opened: backscatter.
/// - ICMP echo replies answer requests the sensor never sent: backscatter.
/// - ICMP/ICMPv6 errors (unreachable, time exceeded, source quench, parameter problem) are backscatter
///   when the quoted packet carried a monitored address as source — the ICMP error's destination, or any
///   address of `--monitored` — i.e. a packet spoofed with the sensor's address; an error that quotes a
///   packet from some other source is misdirected and counted as `other`. Errors without a quote
///   (truncated) are backscatter too: the sensor sent nothing they could refer to.
/// - Lone SYN (Mirai-fingerprinted or not), NULL, FIN, XMAS, Maimon and other odd flag sets, UDP probes
///   (Netis 53413 included) and echo requests are scans; their sources are remembered for a while
///   (`ScannerMemory`) and a backscatter-shaped packet from a remembered scanner is counted as scan
///   (this is how an ACK scan that follows a SYN scan is told apart from ACK backscatter).
/// - With `--monitored`, a packet to an address outside it is `other`.
public struct BackscatterClassifier: Sendable {
    public let configuration: ClassifierConfiguration
    public private(set) var scanners: ScannerMemory
    /// One bit per destination port: Mirai port set without hashing on the hot path.
    private let miraiPortBits: [UInt64]
    private let hasMonitoredSpace: Bool

    public init(configuration: ClassifierConfiguration = ClassifierConfiguration()) {
        self.configuration = configuration
        scanners = ScannerMemory(capacity: configuration.scannerCapacity, retention: configuration.scannerRetention)
        var bits = [UInt64](repeating: 0, count: 1024)
        for port in configuration.miraiPorts { bits[Int(port >> 6)] |= 1 << UInt64(port & 63) }
        miraiPortBits = bits
        hasMonitoredSpace = configuration.monitored != nil
    }

    @inline(__always)
    public func isMiraiPort(_ port: UInt16) -> Bool {
        miraiPortBits.withUnsafeBufferPointer { $0[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0 }
    }

    /// Classifies `packet` seen at `time` (seconds since the epoch) and updates the scanner memory.
    @inline(__always)
    public mutating func classify(_ packet: DissectedPacket, at time: Double) -> Classification {
        // The Mirai port check only runs for SYNs whose sequence number equals the destination.
        let pattern = PacketPattern.of(packet, netisPort: configuration.netisPort) { port in isMiraiPort(port) }
        var verdict = Classification(trafficClass: pattern.naturalClass, pattern: pattern)
        if hasMonitoredSpace, !(configuration.monitored?.contains(packet.destination) ?? true) {
            verdict.trafficClass = .other
            verdict.outsideMonitoredSpace = true
            return verdict
        }
        switch verdict.trafficClass {
        case .scan:
            scanners.remember(packet.source, at: time)
        case .backscatter:
            if pattern == .icmpError, case .icmp(let icmp) = packet.transport, let quoted = icmp.quoted,
               quoted.source != packet.destination, !(configuration.monitored?.contains(quoted.source) ?? false) {
                verdict.trafficClass = .other
                verdict.quotesForeignPacket = true
            } else if scanners.contains(packet.source, at: time) {
                verdict.trafficClass = .scan
                verdict.fromKnownScanner = true
            }
        case .other:
            break
        }
        return verdict
    }
}
