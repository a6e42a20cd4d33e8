/// The 24-byte global header of a libpcap file (format 2.4).
///
/// Both byte orders and both time resolutions are recognised by their magic number; the fields are
/// stored already converted to host order.
public struct PcapFileHeader: Sendable, Hashable {
    public static let size = 24

    public enum TimeResolution: Sendable, Hashable { case microseconds, nanoseconds }

    public var resolution: TimeResolution
    /// True when the file was written on a machine of the other byte order than the reader's view
    /// (magic read swapped); every multi-byte field of the file must then be swapped.
    public var isByteSwapped: Bool
    public var versionMajor: UInt16
    public var versionMinor: UInt16
    public var snaplen: UInt32
    /// Link-layer header type (LINKTYPE_*), lower 16 bits of the `network` field.
    public var linkType: UInt16
    /// The raw `network` field; its upper bits may carry FCS information.
    public var network: UInt32

    public init(linkType: UInt16, snaplen: UInt32 = 65535, resolution: TimeResolution = .microseconds) {
        self.resolution = resolution
        self.isByteSwapped = false
        self.versionMajor = 2
        self.versionMinor = 4
        self.snaplen = snaplen
        self.linkType = linkType
        self.network = UInt32(linkType)
    }

    public static let magicMicroseconds: UInt32 = 0xA1B2_C3D4
    public static let magicNanoseconds: UInt32 = 0xA1B2_3C4D

    /// Parses the first 24 bytes of `bytes`; throws `PcapFormatError` when they are not a pcap header.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(PcapFormatError) {
        guard bytes.count >= Self.size else { throw .truncatedFileHeader(have: bytes.count) }
        let magicLE = bytes.loadLittleEndianUInt32(at: 0)
        switch magicLE {
        case Self.magicMicroseconds: (resolution, isByteSwapped) = (.microseconds, false)
        case Self.magicNanoseconds: (resolution, isByteSwapped) = (.nanoseconds, false)
        case Self.magicMicroseconds.byteSwapped: (resolution, isByteSwapped) = (.microseconds, true)
        case Self.magicNanoseconds.byteSwapped: (resolution, isByteSwapped) = (.nanoseconds, true)
        default: throw .badMagic(magicLE)
        }
        let big = isByteSwapped
        versionMajor = bytes.loadUInt16(at: 4, bigEndian: big)
        versionMinor = bytes.loadUInt16(at: 6, bigEndian: big)
        snaplen = bytes.loadUInt32(at: 16, bigEndian: big)
        network = bytes.loadUInt32(at: 20, bigEndian: big)
        linkType = UInt16(truncatingIfNeeded: network & 0xFFFF)
        guard versionMajor == 2 else { throw .unsupportedVersion(major: versionMajor, minor: versionMinor) }
    }

    /// The 24 bytes of this header, written little-endian (as every writer on x86/ARM does).
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.size)
        out.appendLittleEndian(resolution == .microseconds ? Self.magicMicroseconds : Self.magicNanoseconds)
        out.appendLittleEndian(versionMajor)
        out.appendLittleEndian(versionMinor)
        out.appendLittleEndian(UInt32(0))  // thiszone
        out.appendLittleEndian(UInt32(0))  // sigfigs
        out.appendLittleEndian(snaplen)
        out.appendLittleEndian(network)
        return out
    }
}

/// Why bytes are not a readable pcap stream. Every case says what was found.
public enum PcapFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncatedFileHeader(have: Int)
    case badMagic(UInt32)
    case unsupportedVersion(major: UInt16, minor: UInt16)
    case recordTooLarge(capturedLength: UInt32, limit: UInt32)

    public var description: String {
        switch self {
        case .truncatedFileHeader(let have):
            return "pcap global header truncated: \(have) of 24 bytes"
        case .badMagic(let magic):
            return "not a pcap stream: magic number 0x\(String(magic, radix: 16)) is none of a1b2c3d4/a1b23c4d (either byte order)"
        case .unsupportedVersion(let major, let minor):
            return "unsupported pcap version \(major).\(minor) (only 2.x is defined)"
        case .recordTooLarge(let length, let limit):
            return "pcap record claims \(length) captured bytes, over the limit of \(limit): stream is corrupt or not pcap"
        }
    }
}
