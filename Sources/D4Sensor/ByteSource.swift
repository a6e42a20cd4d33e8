import Foundation
import Synchronization

/// What one read from a source produced.
public enum SourceRead: Equatable, Sendable {
    /// This many bytes were written at the start of the buffer.
    case bytes(Int)
    /// The current stream ends here and a new one follows (e.g. the next pcap file has another link
    /// type, so it cannot continue the same pcap stream).
    case endOfSession
    /// Nothing more will come.
    case endOfInput
}

/// A blocking producer of bytes, read on the sensor's reader thread (never on an event loop).
public protocol ByteSource: AnyObject {
    /// Blocks until some bytes, a session end or the input end is available.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead
}

/// Lets the main task ask a blocked source loop to finish (SIGINT/SIGTERM, tests).
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func stop() { flag.store(true, ordering: .relaxed) }
    public var isStopped: Bool { flag.load(ordering: .relaxed) }
}

/// Errors while reading a source, with the path and the system's reason.
public struct SourceError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public init(path: String, errno code: Int32) { self.init(path: path, reason: String(cString: strerror(code))) }
    public var description: String { "source \(path): \(reason)" }
}

/// read(2) that retries on EINTR; returns the count or throws with the path.
func readRetrying(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    while true {
        let count = Foundation.read(fd, buffer.baseAddress, buffer.count)
        if count >= 0 { return count }
        if errno == EINTR { continue }
        throw SourceError(path: path, errno: errno)
    }
}

/// Fills `buffer` completely unless the input ends first (used for small headers).
func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    var filled = 0
    while filled < buffer.count {
        let count = try readRetrying(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), path: path)
        if count == 0 { break }
        filled += count
    }
    return filled
}
