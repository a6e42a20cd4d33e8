import Foundation

/// Finds `../shared` (vectors, captures) for tests: beside the checkout in CI, or `D4_SHARED_DIR`.
public enum SharedData {
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["D4_SHARED_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.deletingLastPathComponent().appendingPathComponent("shared")
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/shared")
    }()

    public static var vectors: URL { root.appendingPathComponent("vectors") }
    /// Same as `root`.
    public static var directory: URL { root }

    public static func path(_ relativePath: String) -> String { root.appendingPathComponent(relativePath).path }

    /// A capture of `data/ddos`.
    public static func ddosCapture(_ name: String) -> String { path("data/ddos/\(name)") }

    /// A file of `vectors/inputs`.
    public static func vectorInput(_ name: String) throws -> [UInt8] { try bytes("vectors/inputs/\(name)") }

    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }
}

/// A small deterministic generator so property tests are reproducible (seed printed on failure).
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        // splitmix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh temporary directory, removed by the caller's `defer`.
public func makeTemporaryDirectory(_ label: String = "d4test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
