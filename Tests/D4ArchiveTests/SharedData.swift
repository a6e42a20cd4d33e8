import Foundation

/// Finds the project's shared/ folder: beside the repository root (found by walking up from this
/// file to a folder holding Package.swift and Sources/D4Protocol), else $D4_SHARED_DIR, else
/// /work/shared.
enum SharedData {
    static let directory: URL = {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Sources/D4Protocol").path) {
                let shared = dir.deletingLastPathComponent().appendingPathComponent("shared")
                if fm.fileExists(atPath: shared.path) { return shared }
                break
            }
            dir.deleteLastPathComponent()
        }
        if let env = ProcessInfo.processInfo.environment["D4_SHARED_DIR"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: "/work/shared")
    }()

    static func vectorInput(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("vectors/inputs/\(name)")))
    }
}
