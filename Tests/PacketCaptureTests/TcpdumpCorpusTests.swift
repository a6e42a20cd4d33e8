import D4TestSupport
import PacketCapture
import XCTest

/// Every capture of tcpdump's test suite (shared/data/tcpdump-tests, BSD licence; many crafted to crash
/// dissectors) is read to its last record with exactly the count listed in tcpdump-tests.tsv, and
/// every record goes through the dissector; link types it does not decode are counted as such.
final class TcpdumpCorpusTests: XCTestCase {
    struct Entry {
        var file: String
        var format: String
        var linkType: UInt16
        var records: Int
    }

    func entries() throws -> [Entry] {
        let text = try String(contentsOfFile: SharedData.path("data/tcpdump-tests.tsv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let column = { (name: String) throws -> Int in
            try XCTUnwrap(header.firstIndex(of: name), "column \(name) missing from tcpdump-tests.tsv")
        }
        let (fileColumn, formatColumn, linkColumn, recordsColumn) =
            (try column("file"), try column("format"), try column("linktype"), try column("records"))
        return try lines.map { fields in
            // "1 (raw 805306369)": the link type, then the raw header field with FCS bits.
            let linkText = fields[linkColumn].split(separator: " ").first.map(String.init) ?? ""
            return Entry(file: fields[fileColumn], format: fields[formatColumn],
                         linkType: try XCTUnwrap(UInt16(linkText), "link type of \(fields[fileColumn])"),
                         records: try XCTUnwrap(Int(fields[recordsColumn]), "record count of \(fields[fileColumn])"))
        }
    }

    func testEveryCaptureReadsToItsListedCountAndDissects() throws {
        let list = try entries()
        XCTAssertEqual(list.count, 830)
        var counters = MalformedCounters()
        var totalRecords = 0
        for entry in list {
            var reader = try CaptureFileReader(path: SharedData.path("data/tcpdump-tests/\(entry.file)"))
            var records = 0
            let summary = try reader.forEachRecord { record in
                records += 1
                XCTAssertLessThanOrEqual(record.bytes.count, CaptureFileReader.defaultRecordLimit)
                counters.count(PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes))
            }
            XCTAssertEqual(summary.recordCount, entry.records, entry.file)
            XCTAssertEqual(records, entry.records, entry.file)
            XCTAssertTrue(summary.isComplete, "\(entry.file): \(String(describing: summary.endIssue))")
            XCTAssertTrue(summary.linkTypes.contains(entry.linkType), "\(entry.file): \(summary.linkTypes)")
            switch entry.format {
            case "pcap-us-le": XCTAssertEqual(summary.format, .pcap(resolution: .microseconds, byteSwapped: false), entry.file)
            case "pcap-us-be": XCTAssertEqual(summary.format, .pcap(resolution: .microseconds, byteSwapped: true), entry.file)
            case "pcap-ns-le": XCTAssertEqual(summary.format, .pcap(resolution: .nanoseconds, byteSwapped: false), entry.file)
            case "pcapng": XCTAssertEqual(summary.format, .pcapng, entry.file)
            default: XCTFail("\(entry.file): unknown format \(entry.format) in the list")
            }
            totalRecords += records
        }
        XCTAssertEqual(counters.total, totalRecords, "every record is counted under exactly one outcome")
        XCTAssertGreaterThan(counters.packets, 0)
        XCTAssertGreaterThan(counters.unsupportedTotal, 0, "radiotap, Frame Relay, … are counted, not failed")
        XCTAssertNil(counters.unsupportedLinkTypes[LinkType.ethernet])
        print("tcpdump corpus: \(list.count) files, \(totalRecords) records; IP \(counters.packets), not IP \(counters.notIP), "
            + "malformed \(counters.byReason.map { "\($0.key)=\($0.value)" }.sorted()), "
            + "unsupported link types \(counters.unsupportedLinkTypes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
    }
}
