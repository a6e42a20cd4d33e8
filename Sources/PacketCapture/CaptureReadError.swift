/// Why a capture cannot be read (further). Every case says what was found and where.
public enum CaptureReadError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(reason: String)
    case emptyInput
    /// The first bytes are neither pcap (either byte order / resolution) nor pcapng.
    case badMagic(UInt32)
    case truncatedFileHeader(have: Int, need: Int)
    case unsupportedPcapVersion(major: UInt16, minor: UInt16)
    /// A record (captured length) above the reader's bound.
    case recordTooLarge(capturedLength: UInt64, limit: Int, offset: Int)
    /// The capture ends inside a record or block.
    case truncatedRecord(have: Int, need: Int, offset: Int)
    case badBlockLength(blockType: UInt32, length: UInt32, offset: Int)
    case capturedLengthOverrunsBlock(capturedLength: UInt32, blockLength: UInt32, offset: Int)
    case blockLengthMismatch(blockType: UInt32, leading: UInt32, trailing: UInt32, offset: Int)
    case badByteOrderMagic(UInt32, offset: Int)
    case unsupportedPcapngVersion(major: UInt16, minor: UInt16, offset: Int)
    /// A packet block before any section header, or naming an interface not declared in its section.
    case unknownInterface(index: UInt32, declared: Int, offset: Int)
    case tooManyInterfaces(limit: Int, offset: Int)
    case badTimestampResolution(UInt8, offset: Int)
    case gzipCorrupt(reason: String)
    case gzipTruncated

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open capture \(path): \(reason)"
        case .readFailed(let reason):
            return "reading the capture failed: \(reason)"
        case .emptyInput:
            return "the capture is empty (0 bytes): nothing to read"
        case .badMagic(let magic):
            let hex = String(magic, radix: 16)
            return "not a capture file: first 4 bytes 0x\(hex) are neither a pcap magic (a1b2c3d4/a1b23c4d, either byte order) nor a pcapng section header (0a0d0d0a)"
                + (magic & 0xFFFF == 0x8B1F ? " (they look like gzip: decompress the stream first)" : "")
        case .truncatedFileHeader(let have, let need):
            return "capture ends inside its file header: \(have) of \(need) bytes"
        case .unsupportedPcapVersion(let major, let minor):
            return "unsupported pcap version \(major).\(minor) (only 2.x is defined)"
        case .recordTooLarge(let length, let limit, let offset):
            return "record at byte \(offset) claims \(length) captured bytes, over the limit of \(limit): the capture is corrupt"
        case .truncatedRecord(let have, let need, let offset):
            return "capture ends inside the record at byte \(offset): \(have) of \(need) bytes present"
        case .badBlockLength(let type, let length, let offset):
            return "pcapng block of type 0x\(String(type, radix: 16)) at byte \(offset) has an impossible length \(length) (must be ≥ 12, a multiple of 4 and bounded)"
        case .capturedLengthOverrunsBlock(let captured, let length, let offset):
            return "pcapng packet block at byte \(offset) claims \(captured) captured bytes, more than its \(length)-byte block can hold"
        case .blockLengthMismatch(let type, let leading, let trailing, let offset):
            return "pcapng block of type 0x\(String(type, radix: 16)) at byte \(offset): leading length \(leading) differs from trailing length \(trailing)"
        case .badByteOrderMagic(let magic, let offset):
            return "pcapng section header at byte \(offset) has byte-order magic 0x\(String(magic, radix: 16)), expected 1a2b3c4d in either order"
        case .unsupportedPcapngVersion(let major, let minor, let offset):
            return "pcapng section at byte \(offset) has version \(major).\(minor); only 1.x is defined"
        case .unknownInterface(let index, let declared, let offset):
            return "pcapng packet block at byte \(offset) names interface \(index) but its section declares \(declared) interface(s)"
        case .tooManyInterfaces(let limit, let offset):
            return "pcapng interface description at byte \(offset) exceeds the limit of \(limit) interfaces per section"
        case .badTimestampResolution(let value, let offset):
            return "pcapng interface at byte \(offset) declares if_tsresol 0x\(String(value, radix: 16)), finer than 64-bit timestamps can count"
        case .gzipCorrupt(let reason):
            return "gzip data is corrupt: \(reason)"
        case .gzipTruncated:
            return "gzip stream ends before its end marker: the file is truncated"
        }
    }
}
