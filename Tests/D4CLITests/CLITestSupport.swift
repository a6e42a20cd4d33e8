import D4Store
import D4StoreSQLite
import Foundation
import XCTest

/// What one run of the `d4` binary produced.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `d4` binary against a fresh data directory whose store exists (as after the
/// server's first start), so tests see exactly what an operator sees.
class CLITestCase: XCTestCase {
    private(set) var dataDirectory: URL!
    private(set) var store: SQLiteStore!
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("d4-cli-tests-\(UUID().uuidString)")
        dataDirectory = scratch.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: dataDirectory.appendingPathComponent("d4.sqlite").path)
    }

    override func tearDownWithError() throws {
        try store?.close()
        store = nil
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// A file in the test's scratch folder holding `content`.
    func scratchFile(_ name: String, _ content: Data) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try content.write(to: url)
        return url.path
    }

    /// Runs `d4 ARGS --data-dir DATA` (unless `dataDir` is false). Standard input is `stdin`, or an
    /// empty file: never a terminal, so nothing prompts.
    func d4(_ arguments: [String], stdin: Data = Data(), dataDir: Bool = true,
            environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments + (dataDir ? ["--data-dir", dataDirectory.path] : [])
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "D4_DATA_DIR")
        env.merge(environment) { _, new in new }
        process.environment = env
        let run = UUID().uuidString
        let input = try scratchFile("stdin-\(run)", stdin)
        let output = scratch.appendingPathComponent("stdout-\(run)")
        let errors = scratch.appendingPathComponent("stderr-\(run)")
        try Data().write(to: output)
        try Data().write(to: errors)
        // Files, not pipes: no deadlock whatever the amount of output.
        let outHandle = try FileHandle(forWritingTo: output)
        let errHandle = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle(forReadingAtPath: input)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return CLIResult(status: process.terminationStatus,
                         stdout: try String(contentsOf: output, encoding: .utf8),
                         stderr: try String(contentsOf: errors, encoding: .utf8))
    }

    /// Runs and requires exit status 0, reporting stderr otherwise.
    @discardableResult
    func d4Succeeds(_ arguments: [String], stdin: Data = Data(), file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let result = try d4(arguments, stdin: stdin)
        XCTAssertEqual(result.status, 0, "d4 \(arguments.joined(separator: " ")) failed: \(result.stderr)", file: file, line: line)
        return result
    }

    /// The `d4` executable built next to this test bundle (or $D4_BINARY).
    static func binary() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["D4_BINARY"] { return URL(fileURLWithPath: explicit) }
        let candidates = [
            Bundle(for: CLITestCase.self).bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("d4") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLITestError("d4 binary not found next to the tests (looked at \(candidates.map(\.path))); build it or set D4_BINARY")
        }
        return found
    }
}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
