import PacketCapture

/// libFuzzer entry: the input is read as a capture (plain or gzip) by the file reader and, split into
/// chunks, by the stream reader; every record, and the whole input itself, go through the dissector
/// under every link type it decodes. Differential checks trap (a finding) when the two dissector entry
/// points, or the two readers, disagree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    var counters = MalformedCounters()
    var packet = DissectedPacket.unset

    for linkType in LinkType.dissected {
        let result = PacketDissector.dissect(linkType: linkType, bytes: input)
        let status = PacketDissector.dissect(linkType: linkType, bytes: input, into: &packet)
        switch (result, status) {
        case (.packet(let returned), .packet): precondition(returned == packet, "the two dissect entry points disagree")
        case (.notIP, .notIP): break
        case (.unsupportedLinkType(let a), .unsupportedLinkType(let b)): precondition(a == b)
        case (.malformed(let a), .malformed(let b)): precondition(a == b)
        default: preconditionFailure("the two dissect entry points disagree: \(result) vs \(status)")
        }
        counters.count(result)
    }

    var fileRecords = 0
    if var reader = try? CaptureFileReader(bytes: Array(input)) {
        _ = try? reader.forEachRecord { record in
            fileRecords += 1
            counters.count(PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes))
        }
    }

    // Chunk sizes taken from the input's own first byte, so the fuzzer explores the split points.
    let step = 1 + Int(input.first ?? 0) % 97
    var stream = PcapStreamReader()
    var position = 0
    while position < input.count {
        let end = min(position + step, input.count)
        do {
            try stream.feed(UnsafeRawBufferPointer(rebasing: input[position ..< end])) { record in
                counters.count(PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes))
            }
        } catch {
            break
        }
        position = end
    }
    let isGzip = input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B
    precondition(isGzip || stream.finish().recordCount == fileRecords, "stream and file readers disagree")
    return counters.total >= 0 ? 0 : 1
}
