/// Settings of `BackscatterClassifier`.
public struct ClassifierConfiguration: Sendable, Hashable {
    /// The telescope's addresses; when set, packets to other destinations are class `other`.
    public var monitored: MonitoredSpace?
    /// Destination ports of Mirai-family SYN scanning: 23 and 2323 of the original, plus the ports
    /// its variants added (22, 80, 81, 5555 ADB, 7547 TR-069, 8080, 37215 Huawei HG532,
    /// 52869 Realtek SDK, 60001). The fingerprint itself is sequence number = destination address.
    public var miraiPorts: Set<UInt16>
    /// Netis/Netcore routers' backdoor listens on UDP 53413; probes to it are exploit scanning.
    public var netisPort: UInt16
    /// Most sources remembered per generation of the scanner memory.
    public var scannerCapacity: Int
    /// How long a scanning source stays remembered after its last scan packet, in seconds.
    public var scannerRetention: Double

    public static let defaultMiraiPorts: Set<UInt16> = [23, 2323, 22, 80, 81, 5555, 7547, 8080, 37215, 52869, 60001]

    public init(monitored: MonitoredSpace? = nil, miraiPorts: Set<UInt16> = Self.defaultMiraiPorts,
                netisPort: UInt16 = 53413, scannerCapacity: Int = 262_144, scannerRetention: Double = 3600) {
        self.monitored = monitored
        self.miraiPorts = miraiPorts
        self.netisPort = netisPort
        self.scannerCapacity = scannerCapacity
        self.scannerRetention = scannerRetention
    }
}
