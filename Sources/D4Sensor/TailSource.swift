import Foundation

/// Follows a text file that is being written (`tail -F`): reads what is appended, and when the file
/// is rotated (replaced by a new file, or truncated) reads the rest of the old one, then the new one
/// from its start.
public final class TailSource: ByteSource {
    private let path: String
    private let pollInterval: Double
    private let stop: StopSignal
    private var descriptor: Int32 = -1
    private var inode: ino_t = 0
    private var position: off_t = 0
    private var startAtEnd: Bool

    public init(path: String, fromStart: Bool, pollInterval: Double = 0.2, stop: StopSignal) {
        self.path = path
        self.pollInterval = pollInterval
        self.stop = stop
        self.startAtEnd = !fromStart
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead {
        while !stop.isStopped {
            if descriptor < 0, !openFile() {
                Thread.sleep(forTimeInterval: pollInterval)
                continue
            }
            let count = try readRetrying(descriptor, buffer, path: path)
            if count > 0 {
                position += off_t(count)
                return .bytes(count)
            }
            if rotatedOrTruncated() {
                close(descriptor)
                descriptor = -1
                continue
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        return .endOfInput
    }

    private func openFile() -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { close(fd); return false }
        descriptor = fd
        inode = info.st_ino
        position = 0
        if startAtEnd {
            position = lseek(fd, 0, SEEK_END)
            startAtEnd = false
        }
        return true
    }

    /// True when the path now names another file, or the file became shorter than what was read.
    private func rotatedOrTruncated() -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }  // gone for now: keep the old one until a new one appears
        if info.st_ino != inode { return true }
        if info.st_size < position {
            lseek(descriptor, 0, SEEK_SET)
            position = 0
        }
        return false
    }
}
