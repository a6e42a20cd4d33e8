import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads a streamed response body incrementally: whole NDJSON lines, or a number of bytes.
struct QueueStreamReader {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private(set) var pending = Data()
    private(set) var ended = false

    init(_ response: HTTPClientResponse) {
        iterator = response.body.makeAsyncIterator()
    }

    /// Reads until at least `count` bytes are buffered (or the body ends); returns them.
    mutating func read(bytes count: Int) async throws -> Data {
        while pending.count < count, try await fill() {}
        let taken = pending.prefix(count)
        pending = Data(pending.dropFirst(taken.count))
        return Data(taken)
    }

    /// The next complete line (without its newline), or nil when the body ended first.
    mutating func readLine() async throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                return String(decoding: line, as: UTF8.self)
            }
            guard try await fill() else { return nil }
        }
    }

    /// Everything up to the end of the body.
    mutating func readToEnd() async throws -> Data {
        while try await fill() {}
        defer { pending = Data() }
        return pending
    }

    private mutating func fill() async throws -> Bool {
        guard !ended, let buffer = try await iterator.next() else {
            ended = true
            return false
        }
        pending.append(contentsOf: buffer.readableBytesView)
        return true
    }
}
