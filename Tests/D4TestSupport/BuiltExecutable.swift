import Foundation
import XCTest

/// The `d4` executable built beside the test bundle (`swift build --build-tests` builds both).
public func d4Executable() throws -> URL {
    var candidates: [URL] = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent()) }
    for directory in candidates {
        var current = directory
        for _ in 0 ..< 3 {
            let candidate = current.appendingPathComponent("d4")
            if FileManager.default.isExecutableFile(atPath: candidate.path), !candidate.hasDirectoryPath { return candidate }
            current.deleteLastPathComponent()
        }
    }
    throw XCTSkip("the d4 executable was not built next to the tests (run `swift build --build-tests` first)")
}

public struct ProcessOutput {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: String
}

/// Runs a program to its end with `stdin` as its input.
public func runProcess(_ executable: URL, _ arguments: [String], stdin: URL, environment: [String: String]? = nil) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = try FileHandle(forReadingFrom: stdin)
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: [UInt8](stdoutData), stderr: String(decoding: stderrData, as: UTF8.self))
}
