import CZlib
import D4Archive
import D4Basics
import D4Protocol
import D4Queues
import D4Store
import D4TLS
import D4TestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import XCTest
@testable import D4Ingest
import D4StoreSQLite

/// A real ingest server on 127.0.0.1 with a real SQLite store and archive in a temp directory.
final class IngestHarness: Sendable {
    let directory: URL
    let store: SQLiteStore
    let server: IngestServer
    let identity: ServerIdentity
    let archive: ArchiveConfiguration
    let queues: QueueHub
    var port: Int { server.boundAddresses.first!.port! }

    static let referenceUUID = UUID(uuidString: "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07")!
    static let referenceKey = Array("private key to change".utf8)

    init(directory: URL? = nil, configure: (inout ServerSettings) -> Void = { _ in },
         ingest: (inout IngestConfiguration) -> Void = { _ in }, port: Int = 0,
         queueSpecs: [QueueSpec] = [], identity: ServerIdentity? = nil) async throws {
        self.directory = try directory ?? makeTemporaryDirectory("ingest")
        store = try SQLiteStore(path: self.directory.appendingPathComponent("d4.sqlite").path)
        _ = try await store.updateSettings { settings in
            settings.replayWindowSeconds = 0  // the vectors are from 2024
            settings.defaultKey = Data(Self.referenceKey)
            configure(&settings)
        }
        self.identity = try identity ?? ServerIdentity(selfSigned: SelfSignedCertificate())
        archive = ArchiveConfiguration(root: self.directory.appendingPathComponent("archive"), compressor: nil)
        queues = QueueHub(specs: queueSpecs)
        var configuration = IngestConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: port)],
                                                tickInterval: .milliseconds(200), statisticsInterval: .milliseconds(200),
                                                adminRefreshInterval: .milliseconds(100))
        ingest(&configuration)
        var logger = Logger(label: "test.ingest")
        logger.logLevel = ProcessInfo.processInfo.environment["D4_TEST_LOG"] != nil ? .debug : .critical
        server = try await IngestServer.start(configuration: configuration, identity: self.identity, store: store, archive: archive,
                                              queues: queues, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    func shutdown() async { await server.shutdown() }

    /// Every archive file (decompressed), by path relative to the archive root, without `.gz`.
    func archivedFiles() throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let root = archive.root
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [:] }
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let name = url.path.replacingOccurrences(of: root.path + "/", with: "")
            guard !name.hasSuffix(".partial") else { continue }
            let bytes = [UInt8](try Data(contentsOf: url))
            if name.hasSuffix(".gz") {
                result[String(name.dropLast(3))] = try gunzip(bytes)
            } else {
                result[name] = bytes
            }
        }
        return result
    }

    /// Waits until no connection is open (sessions closed and archived).
    func waitUntilIdle(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while server.connectionCount > 0 {
            guard ContinuousClock.now < deadline else { XCTFail("connections still open"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))  // the session's archive close runs after the connection ends
    }

    func lastError(of uuid: UUID) async throws -> String? {
        try await store.admissionFailures(limit: 50).first { $0.sensor == uuid }?.reason
    }

    func failures() async throws -> [String] {
        try await store.admissionFailures(limit: 100).map(\.reason)
    }
}

/// Builds signed D4 streams for tests.
struct StreamMaker {
    var uuid = IngestHarness.referenceUUID
    var key = IngestHarness.referenceKey
    var timestamp = UInt64(Date().timeIntervalSince1970)
    var version: UInt8 = 1

    func frame(type: FrameType, payload: [UInt8], timestamp: UInt64? = nil) -> [UInt8] {
        var bytes = FrameHeader(version: version, type: type, uuid: uuid, timestamp: timestamp ?? self.timestamp,
                                size: UInt32(payload.count)).bytes + payload
        let signer = try! FrameSigner(key: key)
        bytes.withUnsafeMutableBytes { signer.sign(frame: $0) }
        return bytes
    }

    /// The input cut into `snaplen` frames plus the empty end frame, like the reference client.
    func stream(type: FrameType, input: [UInt8], snaplen: Int = 4096) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + snaplen)
            out += frame(type: type, payload: Array(input[offset ..< end]))
            offset = end
        }
        return out + frame(type: type, payload: [])
    }
}

/// A TLS client that sends exactly the bytes a test wants, cut where it wants, and sees the close.
final class RawD4Client: @unchecked Sendable {
    // Touched only from the test's task.
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let closed = NIOLockedValueBox(false)
    private var watcher: Task<Void, Never>?

    init(port: Int, host: String = "127.0.0.1") async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel,
                                                                       configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        let inbound = channel.inbound
        let closed = self.closed
        watcher = Task {
            do { for try await _ in inbound {} } catch {}
            closed.withLockedValue { $0 = true }
        }
    }

    var isClosedByServer: Bool { closed.withLockedValue { $0 } }

    func send(_ bytes: [UInt8], cuts: [Int] = []) async throws {
        var start = 0
        for end in cuts.sorted() + [bytes.count] where end > start {
            try await channel.outbound.write(ByteBuffer(bytes: bytes[start ..< end]))
            start = end
        }
    }

    /// True when the server closed the connection within `timeout`.
    func waitForServerClose(timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isClosedByServer, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return isClosedByServer
    }

    /// Ends the stream (TLS close_notify) and waits for the server to close its side.
    func finish() async {
        channel.outbound.finish()
        _ = await waitForServerClose(timeout: .seconds(5))
        try? await channel.channel.close()
        watcher?.cancel()
    }
}

func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw GunzipError() }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = bytes
    var status: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { inputBuffer in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = uInt(inputBuffer.count)
        repeat {
            chunk.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                status = inflate(&stream, Z_NO_FLUSH)
                output += out[0 ..< (out.count - Int(stream.avail_out))]
            }
        } while status == Z_OK
    }
    guard status == Z_STREAM_END else { throw GunzipError() }
    return output
}

struct GunzipError: Error {}
