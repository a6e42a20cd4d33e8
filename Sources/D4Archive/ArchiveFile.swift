#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An open file descriptor of the archive with the few operations it needs, each mapping failure to
/// an `ArchiveError` carrying the path.
struct ArchiveFile {
    let url: URL
    let descriptor: Int32

    /// Creates `url`, failing with EEXIST instead of overwriting anything.
    static func createExclusive(_ url: URL) throws(ArchiveError) -> ArchiveFile {
        let fd = url.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else { errno = EINVAL; return -1 }
            return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw .create(path: url.path, errno: errno) }
        return ArchiveFile(url: url, descriptor: fd)
    }

    static func openForReading(_ url: URL) throws(ArchiveError) -> Int32 {
        let fd = url.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else { errno = EINVAL; return -1 }
            return open(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw .read(path: url.path, errno: errno) }
        return fd
    }

    /// Writes all of `bytes` (write(2) may take less than asked, or be interrupted).
    func write(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(descriptor, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw .write(path: url.path, errno: errno)
            }
            if n == 0 { throw .write(path: url.path, errno: EIO) }
            base += n
            left -= n
        }
    }

    func sync() throws(ArchiveError) {
        guard fsync(descriptor) == 0 else { throw .sync(path: url.path, errno: errno) }
    }

    /// Closes the descriptor; callable once.
    func close() throws(ArchiveError) {
        guard systemClose(descriptor) == 0 else { throw .close(path: url.path, errno: errno) }
    }

    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return url.withUnsafeFileSystemRepresentation { path in
            guard let path else { return false }
            return lstat(path, &info) == 0
        }
    }

    static func remove(_ url: URL) throws(ArchiveError) {
        let result = url.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else { errno = EINVAL; return -1 }
            return unlink(path)
        }
        guard result == 0 || errno == ENOENT else { throw .remove(path: url.path, errno: errno) }
    }

    /// Makes a finished rename/unlink in `directory` durable.
    static func syncDirectory(_ directory: URL) {
        let fd = directory.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else { return -1 }
            return open(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = systemClose(fd)
    }
}

// The C functions are shadowed by the methods above inside the type.
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { close(fd) }
