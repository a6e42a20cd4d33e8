import D4Analysis
import D4Store
import D4StoreSQLite
import D4TestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The real binaries: `d4 sensor` streams a generated telescope capture to `d4 server`, whose
/// built-in analyzer finds the planned attacks and keeps them, and the botnet counters, in the store.
final class ServerLiveAnalysisTests: XCTestCase {
    func testServerFindsThePlannedAttacksInASensorStream() async throws {
        let directory = try makeTemporaryDirectory("server-live-analysis")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("default.key")
        try Data("shared secret of the test\n".utf8).write(to: keyFile)

        let scenario = TelescopeScenario(
            seed: 5, duration: 900, backgroundRate: 10, scannerPoolSize: 500, miraiRate: 2, miraiPoolSize: 50,
            netisRate: 1, netisPoolSize: 10, malformedRate: 0.05,
            attacks: [
                .init(victim: 0xCB00_7105, response: .synAck, victimPort: 443, start: 30, duration: 300, rate: 5),
                .init(victim: 0xC000_0299, response: .icmpPortUnreachable, victimPort: 53, start: 400, duration: 200, rate: 4),
            ])
        var generator = TelescopeTrafficGenerator(scenario: scenario)
        let capture = directory.appendingPathComponent("telescope.pcap")
        let truth = try generator.writeCapture(to: capture.path)

        let data = directory.appendingPathComponent("data")
        let server = Process()
        server.executableURL = try d4Executable()
        server.arguments = ["server", "--data-dir", data.path, "--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0", "--web-plain-http", "--replay-window", "0",
                            "--default-key-file", keyFile.path, "--monitored", "198.18.0.0/16"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        var startup = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(60)
        while port == nil, Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            startup += String(decoding: chunk, as: UTF8.self)
            if let range = startup.range(of: "listening on 127.0.0.1:"), startup.contains("mode:") {
                port = Int(startup[range.upperBound...].prefix { $0.isNumber })
            }
        }
        guard let port else {
            server.terminate()
            return XCTFail("server did not start: \(startup)")
        }
        XCTAssertTrue(startup.contains("built-in analysis: on"), startup)
        let apiRange = try XCTUnwrap(startup.range(of: "REST API: http://127.0.0.1:"), startup)
        let webPort = try XCTUnwrap(Int(startup[apiRange.upperBound...].prefix { $0.isNumber }))

        let sensor = try runProcess(try d4Executable(),
                                    ["sensor", "--uuid", "6f1e3a52-9d7c-4b8e-a1f0-2c3d4e5f6a7b", "--key-file", keyFile.path,
                                     "-t", "pcap", "--snaplen", "8192", "-d", "127.0.0.1:\(port)", "--insecure",
                                     "--state-dir", directory.appendingPathComponent("sensor-state").path, capture.path],
                                    stdin: URL(fileURLWithPath: "/dev/null"))
        XCTAssertEqual(sensor.status, 0, sensor.stderr)
        try await Task.sleep(for: .seconds(3))  // the analyzer drains its queue, statistics are flushed
        // Prometheus sees the frames ingest accepted.
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(webPort)/metrics")!)
        let exposition = String(decoding: body, as: UTF8.self)
        let framesLine = exposition.split(separator: "\n").first { $0.hasPrefix("d4_frames_accepted_total") && $0.contains("type=\"1\"") }
        XCTAssertGreaterThan(Double(framesLine?.split(separator: " ").last ?? "") ?? 0, 0, exposition)
        server.interrupt()  // a graceful stop closes every attack and writes the counters
        server.waitUntilExit()
        XCTAssertEqual(server.terminationStatus, 0)

        let store = try SQLiteStore(path: data.appendingPathComponent("d4.sqlite").path)
        defer { try? store.close() }
        let attacks = try await store.attacks(AttackQuery(limit: 100))
        XCTAssertEqual(Set(attacks.map(\.victim)), Set(truth.attacks.map(\.victim.description)))
        for planned in truth.attacks {
            let stored = try XCTUnwrap(attacks.first { $0.victim == planned.victim.description })
            XCTAssertEqual(stored.packets, planned.packets, "\(planned.victim)")
            XCTAssertFalse(stored.isOngoing)
            XCTAssertEqual(stored.start, planned.first, accuracy: 1e-3)
            XCTAssertEqual(stored.end, planned.last, accuracy: 1e-3)
            XCTAssertEqual(stored.monitoredAddresses, 65_536)
        }
        let days = try await store.botnetCounts(period: .day, since: nil, until: nil)
        XCTAssertEqual(days.count, 1)
        XCTAssertEqual(days.first?.miraiSources, truth.miraiSources.count)
        XCTAssertEqual(days.first?.netisSources, truth.netisSources.count)
    }
}
