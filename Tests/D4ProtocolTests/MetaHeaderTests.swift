import D4Protocol
import XCTest

final class MetaHeaderTests: XCTestCase {
    func testValidMetaHeaderIsParsedAndKeptVerbatim() throws {
        let json = #"{"type":"ja3-jl","encoding":"utf-8","tags":["tlp:white"]}"#
        let header = try MetaHeader(json: Array(json.utf8))
        XCTAssertEqual(header.type, "ja3-jl")
        XCTAssertEqual(header.encoding, "utf-8")
        XCTAssertEqual(header.tags, ["tlp:white"])
        XCTAssertEqual(header.json, Array(json.utf8))
    }

    func testInvalidMetaHeadersSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("not json", "not valid JSON"),
            ("[1,2]", "not a JSON object"),
            (#"{"encoding":"utf-8"}"#, "no string field \"type\""),
            (#"{"type":"../etc"}"#, "field \"type\""),
            (#"{"type":""}"#, "field \"type\""),
            (#"{"type":"x","tags":"a"}"#, "\"tags\""),
            (#"{"type":"x","encoding":5}"#, "\"encoding\""),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try MetaHeader(json: Array(json.utf8)), json) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(json): \(error)")
            }
        }
        XCTAssertThrowsError(try MetaHeader(json: [UInt8](repeating: 32, count: 70_000)))
    }

    func testMetaTypeShorthand() throws {
        XCTAssertEqual(try MetaHeader(type: "maltrail").type, "maltrail")
    }

    func testFrameTypeNames() {
        XCTAssertEqual(FrameType(parsing: "pcap"), .pcap)
        XCTAssertEqual(FrameType(parsing: "8"), .passiveDNS)
        XCTAssertEqual(FrameType(parsing: "PassiveDNS"), .passiveDNS)
        XCTAssertEqual(FrameType(parsing: "200")?.rawValue, 200, "unknown numbers are kept")
        XCTAssertNil(FrameType(parsing: "nonsense"))
        XCTAssertNil(FrameType(parsing: "300"))
        XCTAssertEqual(FrameType(200).description, "200")
        XCTAssertEqual(FrameType.pcap.description, "1 (pcap)")
    }
}
