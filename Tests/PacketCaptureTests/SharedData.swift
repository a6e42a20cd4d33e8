import Foundation

/// Locates /work/shared (or the CI checkout's `shared/` beside the repository) from this file's path.
enum SharedData {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let fileManager = FileManager.default
        while url.path != "/" {
            if fileManager.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               fileManager.fileExists(atPath: url.appendingPathComponent("Sources/D4Protocol").path) {
                let shared = url.deletingLastPathComponent().appendingPathComponent("shared")
                if fileManager.fileExists(atPath: shared.path) { return shared }
            }
            url = url.deletingLastPathComponent()
        }
        if let override = ProcessInfo.processInfo.environment["D4_SHARED_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: "/work/shared")
    }()

    static func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }
}
