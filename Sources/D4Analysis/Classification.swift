/// The verdict for one packet: its class and why.
public struct Classification: Hashable, Sendable {
    public var trafficClass: TrafficClass
    public var pattern: PacketPattern
    /// The source was remembered as a scanner, so a backscatter-shaped packet counts as scan.
    public var fromKnownScanner: Bool
    /// `--monitored` was given and the destination lies outside it: not telescope traffic.
    public var outsideMonitoredSpace: Bool
    /// An ICMP error quoting a packet that did not carry a monitored address as its source.
    public var quotesForeignPacket: Bool

    public init(trafficClass: TrafficClass, pattern: PacketPattern, fromKnownScanner: Bool = false,
                outsideMonitoredSpace: Bool = false, quotesForeignPacket: Bool = false) {
        self.trafficClass = trafficClass
        self.pattern = pattern
        self.fromKnownScanner = fromKnownScanner
        self.outsideMonitoredSpace = outsideMonitoredSpace
        self.quotesForeignPacket = quotesForeignPacket
    }

    /// Why the packet got its class, in words.
    public var reason: String {
        if outsideMonitoredSpace { return "destination outside the monitored space; " + pattern.explanation }
        if fromKnownScanner { return "source recently seen scanning; " + pattern.explanation }
        if quotesForeignPacket { return "ICMP error quoting a packet not sent from a monitored address" }
        return pattern.explanation
    }
}
