import D4Store
import Foundation
import XCTest

final class TypesCommandTests: CLITestCase {
    func testAcceptAndRefusePersistInTheSettings() async throws {
        let accepted = try d4Succeeds(["types", "accept", "ndjson", "7", "pcap"]).stdout
        XCTAssertTrue(accepted.contains("now accepted: 6 (ndjson), 7 (yaf)"), accepted)
        XCTAssertTrue(accepted.contains("already accepted: 1 (pcap)"), accepted)
        var settings = try await store.settings()
        XCTAssertEqual(settings.acceptedTypes, ServerSettings.defaultAcceptedTypes.union([6, 7]))

        let refused = try d4Succeeds(["types", "refuse", "PCAP", "passivedns", "5"]).stdout
        XCTAssertTrue(refused.contains("now refused: 1 (pcap), 8 (passivedns)"), refused)
        XCTAssertTrue(refused.contains("already refused: 5 (pcapng)"), refused)
        settings = try await store.settings()
        XCTAssertEqual(settings.acceptedTypes, [2, 3, 4, 6, 7, 254])
    }

    func testListShowsEveryKnownTypeAndOtherAcceptedNumbers() async throws {
        _ = try await store.updateSettings { $0.acceptedTypes = [1, 42] }
        let out = try d4Succeeds(["types", "list"]).stdout
        let rows = out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(rows.first, ["TYPE", "NAME", "ACCEPTED"])
        XCTAssertTrue(rows.contains(["1", "pcap", "yes"]), out)
        XCTAssertTrue(rows.contains(["8", "passivedns", "no"]), out)
        XCTAssertTrue(rows.contains(["254", "extended", "no"]), out)
        XCTAssertTrue(rows.contains(["42", "-", "yes"]), out)
        XCTAssertFalse(rows.contains { $0.first == "43" }, out)

        let json = try d4Succeeds(["types", "list", "--json"]).stdout
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(entries.filter { $0["accepted"] as? Bool == true }.compactMap { $0["type"] as? Int }, [1, 42])
    }

    func testRefusingMetaHeadersWhile254IsAcceptedIsPointedOut() throws {
        let out = try d4Succeeds(["types", "refuse", "meta-header"]).stdout
        XCTAssertTrue(out.contains("note: type 254 is accepted but type 2 is not"), out)
    }

    func testUnknownTypeNamesAreUsageErrors() async throws {
        let result = try d4(["types", "accept", "pcap", "bogus"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertNotEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("unknown type \"bogus\""), result.stderr)
        XCTAssertNotEqual(try d4(["types", "accept", "256"]).status, 0)
        let settings = try await store.settings()
        XCTAssertEqual(settings.acceptedTypes, ServerSettings.defaultAcceptedTypes)
    }
}
