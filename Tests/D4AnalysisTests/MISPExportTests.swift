import D4Analysis
import Foundation
import XCTest

/// The MISP export, loaded by PyMISP itself (`pip install pymisp`).
final class MISPExportTests: XCTestCase {
    func testEventStructure() throws {
        let document = MISPEventExport.document(for: ReportFormatTests.sample)
        let event = document.event
        XCTAssertEqual(event.uuid, ReportFormatTests.sample.id)
        XCTAssertEqual(event.date, "2023-11-14")
        XCTAssertEqual(event.attributes.filter { $0.type == "ip-dst" }.map(\.value), ["203.0.113.10"])
        XCTAssertEqual(event.attributes.filter { $0.type == "port" }.map(\.value), ["80", "8080"])
        XCTAssertTrue(event.attributes.allSatisfy { $0.firstSeen == "2023-11-14T22:15:00.200000Z" })
        XCTAssertEqual(Set(event.tags.map(\.name)), ["tlp:clear", "d4:attack-type=\"backscatter\""])
        XCTAssertEqual(Set(event.attributes.map(\.uuid)).count, event.attributes.count, "attribute uuids are distinct")
    }

    func testPyMISPLoadsTheEvent() throws {
        // The python3 on PATH (where `pip install pymisp` put it).
        let python = "python3"
        let probe = try runPython(python, ["-c", "import pymisp"])
        if probe.status != 0 {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                return XCTFail("pymisp is not importable in CI (pip install pymisp): \(probe.error)")
            }
            throw XCTSkip("pymisp is not installed (pip install pymisp)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("d4-misp-\(UUID().uuidString).json").path
        try MISPEventExport.json(for: ReportFormatTests.sample, pretty: true).write(toFile: path, atomically: true,
                                                                                 encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = """
        import json, sys
        from pymisp import MISPEvent
        # MISPEvent.load() takes JSON text or an open file; load_file() takes the path. Check both agree.
        e = MISPEvent()
        e.load_file(sys.argv[1])
        with open(sys.argv[1], "rb") as f:
            again = MISPEvent()
            again.load(f)
        assert again.uuid == e.uuid and len(again.attributes) == len(e.attributes)
        print(json.dumps({
            "uuid": e.uuid, "info": e.info, "date": str(e.date),
            "tags": sorted(t.name for t in e.tags),
            "attributes": [{"type": a.type, "category": a.category, "value": a.value,
                            "first_seen": a.first_seen.isoformat() if a.first_seen else None,
                            "last_seen": a.last_seen.isoformat() if a.last_seen else None} for a in e.attributes]}))
        """
        let run = try runPython(python, ["-c", script, path])
        XCTAssertEqual(run.status, 0, run.error)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["uuid"] as? String, ReportFormatTests.sample.id)
        XCTAssertEqual(object["date"] as? String, "2023-11-14")
        XCTAssertEqual(object["tags"] as? [String], ["d4:attack-type=\"backscatter\"", "tlp:clear"])
        let attributes = try XCTUnwrap(object["attributes"] as? [[String: Any]])
        let victim = try XCTUnwrap(attributes.first { $0["type"] as? String == "ip-dst" })
        XCTAssertEqual(victim["value"] as? String, "203.0.113.10")
        XCTAssertEqual(victim["category"] as? String, "Network activity")
        XCTAssertEqual(victim["first_seen"] as? String, "2023-11-14T22:15:00.200000+00:00")
        XCTAssertEqual(victim["last_seen"] as? String, "2023-11-14T22:25:00+00:00")
        XCTAssertEqual(attributes.filter { $0["type"] as? String == "port" }.compactMap { $0["value"] as? String },
                       ["80", "8080"])
    }

    private func runPython(_ python: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.hasPrefix("/") ? python : "/usr/bin/env")
        process.arguments = python.hasPrefix("/") ? arguments : [python] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}
