import D4Analysis
@testable import D4AnalysisService
import PacketCapture
import XCTest

final class PcapResynchronizerTests: XCTestCase {
    private func feed(_ search: inout PcapResynchronizer, _ bytes: ArraySlice<UInt8>, chunk: Int) -> (found: [UInt8]?, consumed: Int) {
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let end = min(position + chunk, bytes.endIndex)
            let result = Array(bytes[position..<end]).withUnsafeBytes { search.consume($0) }
            position = end
            if let result { return (result, position - bytes.startIndex) }
        }
        return (nil, bytes.count)
    }

    /// Starting inside any record, the search lands on the next record boundary.
    func testFindsTheNextRecordBoundaryFromAnyOffset() {
        let streams = SensorStreams(scenario: TelescopeScenario(seed: 5, start: 1_700_000_000, duration: 60,
                                                               backgroundRate: 50, malformedRate: 2))
        let stream = streams.streams[0]
        let offsets = streams.recordOffsets[0]
        let header = PcapFileHeader(linkType: 1)
        var random = SeededRandom(seed: 1)
        for _ in 0..<200 {
            let index = 1 + Int(random.next() % UInt64(offsets.count - 10))
            let cut = offsets[index - 1] + 1 + Int(random.next() % UInt64(offsets[index] - offsets[index - 1]))
            var search = PcapResynchronizer(header: header, lastTimestamp: 1_700_000_000, recordLimit: 262_144)
            let chunk = 1 + Int(random.next() % 700)
            let (found, consumed) = feed(&search, stream[cut...], chunk: chunk)
            guard let found else {
                XCTFail("no boundary found after offset \(cut)")
                continue
            }
            let resumedAt = cut + consumed - found.count
            XCTAssertEqual(resumedAt, offsets.first { $0 >= cut }, "cut at \(cut), chunks of \(chunk)")
            XCTAssertEqual(search.discardedBytes, resumedAt - cut)
        }
    }

    /// Bytes that never form two plausible headers in a row are discarded as they come: the search
    /// holds little memory and finds nothing.
    func testGarbageIsDiscardedWithoutFindingABoundary() {
        var search = PcapResynchronizer(header: PcapFileHeader(linkType: 1), lastTimestamp: 1_700_000_000,
                                        recordLimit: 262_144)
        let text = Array(String(repeating: "no capture here, just words and more words. ", count: 2000).utf8)
        let (found, _) = feed(&search, text[...], chunk: 4096)
        XCTAssertNil(found)
        XCTAssertGreaterThan(search.discardedBytes, text.count - 64)
    }
}
