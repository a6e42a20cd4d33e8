/// Finds the records of a pcap or pcapng byte stream in whatever contiguous bytes it is given, one
/// step at a time, without copying: the file reader and the stream reader both drive it.
///
/// Each step either delivers a record (pointing into the given bytes), consumes bytes that hold no
/// record (file header, pcapng control blocks), or says how many contiguous bytes it needs from the
/// current position. That need is always bounded by the record/block limits, checked before asking.
struct CaptureRecordParser {
    enum Step {
        case record(CaptureRecord, consumed: Int)
        case consumed(Int)
        case needMore(total: Int)
    }

    /// No record above this, whatever snaplen a header declares: bounds the reader's buffer.
    static let absoluteRecordLimit = 16 << 20
    /// Room for a packet block's header, padding and options beyond its packet bytes.
    static let blockOverhead = 64 * 1024
    /// Blocks without packets are skipped as they stream by (never buffered), up to this size.
    static let skippedBlockLimit = 1 << 28
    static let interfaceLimit = 65_536

    private enum State {
        case start
        case pcap(bigEndian: Bool, nanoseconds: Bool, linkType: UInt16, limit: Int)
        case pcapng(bigEndian: Bool)
    }

    /// The limit asked by the caller (256 KiB by default); a larger snaplen raises it per file.
    let recordLimit: Int
    private var state = State.start
    private(set) var format: CaptureFormat?
    private(set) var linkTypes: Set<UInt16> = []
    private(set) var skippedBlockCount = 0
    /// Stream offset of the next byte to parse.
    private(set) var offset = 0
    private var interfaces: [PcapngInterface] = []
    private var pcapngRecordLimit: Int
    private var skipRemaining = 0

    init(recordLimit: Int) {
        self.recordLimit = min(max(recordLimit, 1), Self.absoluteRecordLimit)
        pcapngRecordLimit = self.recordLimit
    }

    var hasFileHeader: Bool {
        if case .start = state { return false }
        return true
    }

    /// Bytes still to skip inside a block that is being passed over.
    var isSkippingBlock: Bool { skipRemaining > 0 }

    @inline(__always)
    mutating func next(in bytes: UnsafeRawBufferPointer) throws(CaptureReadError) -> Step {
        switch state {
        case .pcap(let bigEndian, let nanoseconds, let linkType, let limit):
            return try nextPcapRecord(in: bytes, bigEndian: bigEndian, nanoseconds: nanoseconds,
                                      linkType: linkType, limit: limit)
        case .pcapng(let bigEndian):
            return try nextPcapngBlock(in: bytes, bigEndian: bigEndian)
        case .start:
            return try parseFileStart(in: bytes)
        }
    }

    // MARK: pcap

    private mutating func parseFileStart(in bytes: UnsafeRawBufferPointer) throws(CaptureReadError) -> Step {
        guard bytes.count >= 4 else { return .needMore(total: 4) }
        let magic = bytes.loadLittleEndianUInt32(at: 0)
        if magic == Self.sectionHeaderType {
            state = .pcapng(bigEndian: false)
            format = .pcapng
            return try nextPcapngBlock(in: bytes, bigEndian: false)
        }
        switch magic {
        case PcapFileHeader.magicMicroseconds, PcapFileHeader.magicNanoseconds,
             PcapFileHeader.magicMicroseconds.byteSwapped, PcapFileHeader.magicNanoseconds.byteSwapped:
            break
        default:
            throw .badMagic(magic)
        }
        guard bytes.count >= PcapFileHeader.size else { return .needMore(total: PcapFileHeader.size) }
        let header: PcapFileHeader
        do {
            header = try PcapFileHeader(parsing: bytes)
        } catch {
            switch error {
            case .unsupportedVersion(let major, let minor): throw .unsupportedPcapVersion(major: major, minor: minor)
            case .badMagic(let value): throw .badMagic(value)
            default: throw .truncatedFileHeader(have: bytes.count, need: PcapFileHeader.size)
            }
        }
        // A snaplen above the default limit raises it (files cut at 256 KiB+ exist), up to the absolute cap.
        let limit = max(recordLimit, min(Int(header.snaplen), Self.absoluteRecordLimit))
        state = .pcap(bigEndian: header.isByteSwapped, nanoseconds: header.resolution == .nanoseconds,
                      linkType: header.linkType, limit: limit)
        format = .pcap(resolution: header.resolution, byteSwapped: header.isByteSwapped)
        linkTypes.insert(header.linkType)
        offset += PcapFileHeader.size
        return .consumed(PcapFileHeader.size)
    }

    @inline(__always)
    private mutating func nextPcapRecord(in bytes: UnsafeRawBufferPointer, bigEndian: Bool, nanoseconds: Bool,
                                         linkType: UInt16, limit: Int) throws(CaptureReadError) -> Step {
        guard bytes.count >= 16 else { return .needMore(total: 16) }
        let captured = bytes.loadUInt32(at: 8, bigEndian: bigEndian)
        guard Int(captured) <= limit else {
            throw .recordTooLarge(capturedLength: UInt64(captured), limit: limit, offset: offset)
        }
        let total = 16 + Int(captured)
        guard bytes.count >= total else { return .needMore(total: total) }
        let seconds = bytes.loadUInt32(at: 0, bigEndian: bigEndian)
        let fraction = bytes.loadUInt32(at: 4, bigEndian: bigEndian)
        let original = bytes.loadUInt32(at: 12, bigEndian: bigEndian)
        let record = CaptureRecord(
            timestampSeconds: Int64(seconds),
            timestampNanoseconds: nanoseconds ? fraction : fraction &* 1000,
            originalLength: Int(original), linkType: linkType, interfaceIndex: 0,
            bytes: UnsafeRawBufferPointer(rebasing: bytes[16 ..< total]))
        offset += total
        return .record(record, consumed: total)
    }

    /// The file reader's fast path for classic pcap: hands every complete record at the start of
    /// `bytes` to `body`, with one state check for the whole run instead of a `next` step (and its
    /// returned enum) per record. Stops, leaving the rest to `next`, at an incomplete record, at one
    /// over the limit (so that `next` reports it) and when the input is not classic pcap. `consumed`
    /// and `records` count what was delivered, also when `body` throws.
    @inline(__always)
    mutating func deliverPcapRecords(in bytes: UnsafeRawBufferPointer, consumed: inout Int, records: inout Int,
                                     to body: (CaptureRecord) throws -> Void) rethrows {
        guard case .pcap(let bigEndian, let nanoseconds, let linkType, let limit) = state,
              let base = bytes.baseAddress else { return }
        let count = bytes.count
        var position = 0
        while count - position >= 16 {
            // The four header words, byte-swapped together (one test per record, not per word).
            let header = base + position
            var seconds = header.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            var fraction = header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            var captured = header.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            var original = header.loadUnaligned(fromByteOffset: 12, as: UInt32.self)
            if bigEndian != (UInt32(bigEndian: 1) == 1) {
                seconds = seconds.byteSwapped; fraction = fraction.byteSwapped
                captured = captured.byteSwapped; original = original.byteSwapped
            }
            let total = 16 + Int(captured)
            guard Int(captured) <= limit, count - position >= total else { return }
            let record = CaptureRecord(
                timestampSeconds: Int64(seconds), timestampNanoseconds: nanoseconds ? fraction : fraction &* 1000,
                originalLength: Int(original), linkType: linkType, interfaceIndex: 0,
                bytes: UnsafeRawBufferPointer(start: header + 16, count: Int(captured)))
            offset += total
            position += total
            consumed = position
            try body(record)
            records += 1
        }
    }

    // MARK: pcapng

    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    private mutating func nextPcapngBlock(in bytes: UnsafeRawBufferPointer, bigEndian: Bool) throws(CaptureReadError) -> Step {
        if skipRemaining > 0 {
            guard !bytes.isEmpty else { return .needMore(total: 1) }
            let take = min(skipRemaining, bytes.count)
            skipRemaining -= take
            offset += take
            return .consumed(take)
        }
        guard bytes.count >= 12 else { return .needMore(total: 12) }
        if bytes.loadLittleEndianUInt32(at: 0) == Self.sectionHeaderType {
            return try parseSectionHeader(in: bytes)
        }
        let type = bytes.loadUInt32(at: 0, bigEndian: bigEndian)
        let length = bytes.loadUInt32(at: 4, bigEndian: bigEndian)
        guard length >= 12, length % 4 == 0 else { throw .badBlockLength(blockType: type, length: length, offset: offset) }
        switch type {
        case 1, 2, 3, 6:
            guard Int(length) <= pcapngRecordLimit + Self.blockOverhead else {
                throw .badBlockLength(blockType: type, length: length, offset: offset)
            }
            let total = Int(length)
            guard bytes.count >= total else { return .needMore(total: total) }
            let trailing = bytes.loadUInt32(at: total - 4, bigEndian: bigEndian)
            guard trailing == length else {
                throw .blockLengthMismatch(blockType: type, leading: length, trailing: trailing, offset: offset)
            }
            let block = UnsafeRawBufferPointer(rebasing: bytes[0 ..< total])
            if type == 1 {
                try addInterface(block, bigEndian: bigEndian)
                offset += total
                return .consumed(total)
            }
            let record = try packetRecord(block, type: type, bigEndian: bigEndian)
            offset += total
            return .record(record, consumed: total)
        default:
            guard Int(length) <= Self.skippedBlockLimit else {
                throw .badBlockLength(blockType: type, length: length, offset: offset)
            }
            skippedBlockCount += 1
            let take = min(Int(length), bytes.count)
            skipRemaining = Int(length) - take
            offset += take
            return .consumed(take)
        }
    }

    private mutating func parseSectionHeader(in bytes: UnsafeRawBufferPointer) throws(CaptureReadError) -> Step {
        let orderMagic = bytes.loadLittleEndianUInt32(at: 8)
        let bigEndian: Bool
        switch orderMagic {
        case Self.byteOrderMagic: bigEndian = false
        case Self.byteOrderMagic.byteSwapped: bigEndian = true
        default: throw .badByteOrderMagic(orderMagic, offset: offset)
        }
        let length = bytes.loadUInt32(at: 4, bigEndian: bigEndian)
        guard length >= 28, length % 4 == 0, Int(length) <= Self.blockOverhead else {
            throw .badBlockLength(blockType: Self.sectionHeaderType, length: length, offset: offset)
        }
        let total = Int(length)
        guard bytes.count >= total else { return .needMore(total: total) }
        let trailing = bytes.loadUInt32(at: total - 4, bigEndian: bigEndian)
        guard trailing == length else {
            throw .blockLengthMismatch(blockType: Self.sectionHeaderType, leading: length, trailing: trailing, offset: offset)
        }
        let major = bytes.loadUInt16(at: 12, bigEndian: bigEndian)
        let minor = bytes.loadUInt16(at: 14, bigEndian: bigEndian)
        guard major == 1 else { throw .unsupportedPcapngVersion(major: major, minor: minor, offset: offset) }
        // Interfaces are numbered per section: a new section starts with none.
        interfaces.removeAll(keepingCapacity: true)
        pcapngRecordLimit = recordLimit
        state = .pcapng(bigEndian: bigEndian)
        offset += total
        return .consumed(total)
    }

    private mutating func addInterface(_ block: UnsafeRawBufferPointer, bigEndian: Bool) throws(CaptureReadError) {
        guard block.count >= 20 else {
            throw .badBlockLength(blockType: 1, length: UInt32(block.count), offset: offset)
        }
        guard interfaces.count < Self.interfaceLimit else { throw .tooManyInterfaces(limit: Self.interfaceLimit, offset: offset) }
        var interface = PcapngInterface(linkType: block.loadUInt16(at: 8, bigEndian: bigEndian),
                                        snaplen: block.loadUInt32(at: 12, bigEndian: bigEndian))
        // Options: code, length, value padded to 4; a malformed option list ends the parse of options.
        var position = 16
        let end = block.count - 4
        while position + 4 <= end {
            let code = block.loadUInt16(at: position, bigEndian: bigEndian)
            let length = Int(block.loadUInt16(at: position + 2, bigEndian: bigEndian))
            let value = position + 4
            guard code != 0, value + length <= end else { break }
            if code == 9, length >= 1 {
                let resolution = block[value]
                guard let units = PcapngInterface.unitsPerSecond(tsresol: resolution) else {
                    throw .badTimestampResolution(resolution, offset: offset)
                }
                interface.unitsPerSecond = units
            } else if code == 14, length >= 8 {
                let first = UInt64(block.loadUInt32(at: value, bigEndian: bigEndian))
                let second = UInt64(block.loadUInt32(at: value + 4, bigEndian: bigEndian))
                // A 64-bit value in section order: the first word is the high one only in big-endian.
                interface.offsetSeconds = Int64(bitPattern: bigEndian ? (first << 32 | second) : (second << 32 | first))
            }
            position = value + (length + 3) & ~3
        }
        pcapngRecordLimit = max(pcapngRecordLimit, min(Int(interface.snaplen), Self.absoluteRecordLimit))
        interfaces.append(interface)
        linkTypes.insert(interface.linkType)
    }

    @inline(__always)
    private func packetRecord(_ block: UnsafeRawBufferPointer, type: UInt32, bigEndian: Bool) throws(CaptureReadError) -> CaptureRecord {
        let length = block.count
        if type == 3 {
            // Simple Packet Block: interface 0, no timestamp, captured length implied.
            guard length >= 16 else { throw .badBlockLength(blockType: type, length: UInt32(length), offset: offset) }
            guard let interface = interfaces.first else {
                throw .unknownInterface(index: 0, declared: 0, offset: offset)
            }
            let original = block.loadUInt32(at: 8, bigEndian: bigEndian)
            var captured = min(Int(original), length - 16)
            if interface.snaplen > 0 { captured = min(captured, Int(interface.snaplen)) }
            return CaptureRecord(timestampSeconds: 0, timestampNanoseconds: 0, originalLength: Int(original),
                                 linkType: interface.linkType, interfaceIndex: 0,
                                 bytes: UnsafeRawBufferPointer(rebasing: block[12 ..< 12 + captured]))
        }
        // Enhanced Packet Block (6) and the obsolete Packet Block (2) share the layout but for the
        // interface field (32 bits vs 16 bits + 16 bits of drop count).
        guard length >= 32 else { throw .badBlockLength(blockType: type, length: UInt32(length), offset: offset) }
        let index = type == 6 ? block.loadUInt32(at: 8, bigEndian: bigEndian)
                              : UInt32(block.loadUInt16(at: 8, bigEndian: bigEndian))
        guard Int(index) < interfaces.count else {
            throw .unknownInterface(index: index, declared: interfaces.count, offset: offset)
        }
        let interface = interfaces[Int(index)]
        let captured = block.loadUInt32(at: 20, bigEndian: bigEndian)
        guard Int(captured) <= length - 32 else {
            throw .capturedLengthOverrunsBlock(capturedLength: captured, blockLength: UInt32(length), offset: offset)
        }
        guard Int(captured) <= pcapngRecordLimit else {
            throw .recordTooLarge(capturedLength: UInt64(captured), limit: pcapngRecordLimit, offset: offset)
        }
        let high = UInt64(block.loadUInt32(at: 12, bigEndian: bigEndian))
        let low = UInt64(block.loadUInt32(at: 16, bigEndian: bigEndian))
        let time = interface.timestamp(high << 32 | low)
        return CaptureRecord(timestampSeconds: time.seconds, timestampNanoseconds: time.nanoseconds,
                             originalLength: Int(block.loadUInt32(at: 24, bigEndian: bigEndian)),
                             linkType: interface.linkType, interfaceIndex: Int(index),
                             bytes: UnsafeRawBufferPointer(rebasing: block[28 ..< 28 + Int(captured)]))
    }
}
