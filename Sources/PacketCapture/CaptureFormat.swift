/// The container format of a capture, as recognised from its first bytes.
public enum CaptureFormat: Hashable, Sendable, CustomStringConvertible {
    /// libpcap 2.x; `byteSwapped` when written in the other byte order than this machine's.
    case pcap(resolution: PcapFileHeader.TimeResolution, byteSwapped: Bool)
    /// pcapng; the byte order may change from one section to the next.
    case pcapng

    public var description: String {
        switch self {
        case .pcap(let resolution, let swapped):
            return "pcap (\(resolution == .microseconds ? "µs" : "ns"), \(swapped ? "byte-swapped" : "native order"))"
        case .pcapng:
            return "pcapng"
        }
    }
}
