import Foundation

/// Finds the shared/ folder (real captures) next to the repository: walk up from this file to the
/// package root (a folder with Package.swift and Sources/D4Protocol), then ../shared; else the
/// D4_SHARED_DIR variable; else /work/shared.
enum SharedDataLocator {
    static var sharedDirectory: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let manager = FileManager.default
        while url.path != "/" {
            if manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               manager.fileExists(atPath: url.appendingPathComponent("Sources/D4Protocol").path) {
                let shared = url.deletingLastPathComponent().appendingPathComponent("shared")
                if manager.fileExists(atPath: shared.path) { return shared }
            }
            url = url.deletingLastPathComponent()
        }
        if let variable = ProcessInfo.processInfo.environment["D4_SHARED_DIR"] {
            return URL(fileURLWithPath: variable)
        }
        return URL(fileURLWithPath: "/work/shared")
    }

    static func ddosCapture(_ name: String) -> String {
        sharedDirectory.appendingPathComponent("data/ddos").appendingPathComponent(name).path
    }
}
