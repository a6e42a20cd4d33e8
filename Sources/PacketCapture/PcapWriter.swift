/// Builds a libpcap (2.4, little-endian) byte stream: one global header, then records.
///
/// It only produces bytes; where they go (a file, a D4 stream, a test) is the caller's business.
public struct PcapWriter: Sendable {
    public let header: PcapFileHeader
    public private(set) var bytes: [UInt8]

    public init(header: PcapFileHeader) {
        self.header = header
        self.bytes = header.bytes
    }

    /// Appends one record. `seconds`/`fraction` follow the header's resolution (µs or ns);
    /// `originalLength` defaults to the captured length.
    public mutating func append(seconds: UInt32, fraction: UInt32, packet: some Collection<UInt8>,
                                originalLength: UInt32? = nil) {
        let captured = min(packet.count, Int(header.snaplen))
        bytes.appendLittleEndian(seconds)
        bytes.appendLittleEndian(fraction)
        bytes.appendLittleEndian(UInt32(captured))
        bytes.appendLittleEndian(originalLength ?? UInt32(packet.count))
        bytes.append(contentsOf: packet.prefix(captured))
    }

    /// Forgets the bytes produced so far (keeps writing records, without a new global header);
    /// for callers that flush `bytes` somewhere in batches.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }
}
