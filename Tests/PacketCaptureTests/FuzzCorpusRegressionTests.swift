import Foundation
import PacketCapture
import XCTest

/// Replays every input of FuzzCorpus/ (crafted inputs, the fuzzer's minimised corpus and any input that
/// once crashed it) through the same paths as Fuzz/'s harness: file reader, stream reader, dissector.
final class FuzzCorpusRegressionTests: XCTestCase {
    struct Outcome {
        var records = 0
        var thrown: CaptureReadError?
        var endIssue: CaptureReadError?
        var streamRecords = 0
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    func replay(_ input: [UInt8], counters: inout MalformedCounters) -> Outcome {
        var outcome = Outcome()
        input.withUnsafeBytes { raw in
            for linkType in LinkType.dissected {
                counters.count(PacketDissector.dissect(linkType: linkType, bytes: raw))
            }
        }
        do {
            var reader = try CaptureFileReader(bytes: input)
            let summary = try reader.forEachRecord { record in
                counters.count(PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes))
            }
            outcome.records = summary.recordCount
            outcome.endIssue = summary.endIssue
        } catch {
            outcome.thrown = error as? CaptureReadError
            XCTAssertNotNil(outcome.thrown, "only CaptureReadError is thrown: \(error)")
        }
        var stream = PcapStreamReader()
        let step = 1 + Int(input.first ?? 0) % 97
        input.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                let end = min(position + step, raw.count)
                do {
                    try stream.feed(UnsafeRawBufferPointer(rebasing: raw[position ..< end])) { record in
                        counters.count(PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes))
                    }
                } catch {
                    break
                }
                position = end
            }
        }
        outcome.streamRecords = stream.finish().recordCount
        return outcome
    }

    func testEveryCorpusInputCompletes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        XCTAssertGreaterThan(files.count, 10, "corpus at \(Self.corpus.path)")
        var counters = MalformedCounters()
        var withRecords = 0, rejected = 0, reportedAtEnd = 0
        for name in files {
            let input = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
            let outcome = replay(input, counters: &counters)
            if outcome.records > 0 { withRecords += 1 }
            if outcome.thrown != nil { rejected += 1 }
            if outcome.endIssue != nil { reportedAtEnd += 1 }
            // Plain (not gzip) input: the stream reader agrees with the file reader.
            if input.prefix(2) != [0x1F, 0x8B] {
                XCTAssertEqual(outcome.streamRecords, outcome.records, name)
            }
        }
        XCTAssertGreaterThan(withRecords, 0)
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertGreaterThan(reportedAtEnd, 0)
        XCTAssertGreaterThan(counters.total, 0)
        print("fuzz corpus: \(files.count) inputs; \(withRecords) with records, \(rejected) rejected, \(reportedAtEnd) with an end issue")
    }

    func testCraftedCorpusInputsGiveTheExpectedOutcome() throws {
        func outcome(_ name: String) throws -> Outcome {
            var counters = MalformedCounters()
            return replay([UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name))), counters: &counters)
        }
        XCTAssertEqual(try outcome("crafted-bad-magic.bin").thrown, .badMagic(0x2054_4547))
        XCTAssertEqual(try outcome("crafted-empty.bin").thrown, .emptyInput)
        XCTAssertEqual(try outcome("crafted-truncated-file-header.pcap").thrown, .truncatedFileHeader(have: 13, need: 24))
        XCTAssertEqual(try outcome("crafted-record-too-large.pcap").records, 1)
        XCTAssertEqual(try outcome("crafted-truncated-last-record.pcap").records, 1)
        XCTAssertEqual(try outcome("crafted-big-endian-ns.pcap").records, 1)
        XCTAssertEqual(try outcome("crafted-pcapng-two-sections.pcapng").records, 3)
        XCTAssertEqual(try outcome("crafted-gzip.pcap.gz").records, 3)
        XCTAssertEqual(try outcome("crafted-gzip-truncated.pcap.gz").endIssue, .gzipTruncated)
        if case .gzipCorrupt = try outcome("crafted-gzip-trailing-garbage.pcap.gz").endIssue {} else { XCTFail("trailing garbage") }
        if case .unknownInterface = try outcome("crafted-pcapng-unknown-interface.pcapng").thrown {} else { XCTFail("unknown interface") }
        if case .badBlockLength = try outcome("crafted-pcapng-absurd-block.pcapng").thrown {} else { XCTFail("absurd block") }
        if case .badTimestampResolution = try outcome("crafted-pcapng-bad-tsresol.pcapng").thrown {} else { XCTFail("tsresol") }
    }
}
