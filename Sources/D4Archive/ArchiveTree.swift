import Foundation

/// The regular files under an archive folder, found by one recursive walk shared by retention and
/// crash recovery. Symbolic links are neither followed nor returned.
enum ArchiveTree {
    struct File {
        var url: URL
        var size: Int
        /// Seconds since the epoch.
        var modified: Double
    }

    static func regularFiles(under folder: URL) throws -> [File] {
        var files: [File] = []
        try collect(folder, into: &files)
        return files
    }

    private static func collect(_ folder: URL, into files: inout [File]) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            if !ArchiveFile.exists(folder) { return }
            throw ArchiveError.listDirectory(path: folder.path, reason: error.localizedDescription)
        }
        for name in names {
            let url = folder.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }  // vanished meanwhile
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try collect(url, into: &files)
            case S_IFREG:
                #if canImport(Darwin)
                let modified = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
                #else
                let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                #endif
                files.append(File(url: url, size: Int(info.st_size), modified: modified))
            default:
                continue
            }
        }
    }
}
