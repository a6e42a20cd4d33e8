import D4Protocol
import D4TLS
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import D4Sensor

/// A loopback TLS server for sensor tests: decodes the D4 frames of each connection (stand-in for
/// `d4 server`, which lives in its own module).
final class D4Receiver: Sendable {
    let server: ByteSinkServer
    let fingerprint: CertificateFingerprint
    private let state: NIOLockedValueBox<[Int: (buffer: ByteBuffer, frames: [Frame], closed: Bool)]>

    var port: Int { server.port }

    static func start(port: Int = 0, certificate: SelfSignedCertificate? = nil, plainTCP: Bool = false) async throws -> D4Receiver {
        let certificate = try certificate ?? SelfSignedCertificate()
        let state = NIOLockedValueBox<[Int: (buffer: ByteBuffer, frames: [Frame], closed: Bool)]>([:])
        let decoder = FrameDecoder()
        let server = try await ByteSinkServer.start(port: port, identity: plainTCP ? nil : try ServerIdentity(selfSigned: certificate),
                                                    group: MultiThreadedEventLoopGroup.singleton,
                                                    onBytes: { id, bytes in
            state.withLockedValue { connections in
                var entry = connections[id] ?? (ByteBuffer(), [], false)
                var incoming = bytes
                entry.buffer.writeBuffer(&incoming)
                while let frame = try? decoder.nextFrame(from: &entry.buffer) { entry.frames.append(frame) }
                connections[id] = entry
            }
        }, onClose: { id in
            state.withLockedValue { connections in connections[id, default: (ByteBuffer(), [], false)].closed = true }
        })
        return D4Receiver(server: server, fingerprint: certificate.fingerprint, state: state)
    }

    private init(server: ByteSinkServer, fingerprint: CertificateFingerprint,
                 state: NIOLockedValueBox<[Int: (buffer: ByteBuffer, frames: [Frame], closed: Bool)]>) {
        self.server = server
        self.fingerprint = fingerprint
        self.state = state
    }

    /// Frames per connection, in connection order.
    var connections: [[Frame]] {
        state.withLockedValue { $0.sorted { $0.key < $1.key }.map(\.value.frames) }
    }

    var allFrames: [Frame] { connections.flatMap { $0 } }

    /// Payload bytes of all data frames (types other than 2), in order.
    var payload: [UInt8] {
        allFrames.filter { $0.header.type != .metaHeader }.flatMap { Array($0.payload.readableBytesView) }
    }

    func waitFor(timeout: Duration = .seconds(20), _ condition: (D4Receiver) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < deadline else { throw ReceiverTimeout() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func close() async throws { try await server.close() }
}

struct ReceiverTimeout: Error, CustomStringConvertible {
    var description: String { "the receiver did not see the expected frames in time" }
}

/// A port that nothing listens on right now (bound then released).
func unusedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A pipe whose write end the test feeds over time, as a live source would.
final class TestPipe: @unchecked Sendable {
    // The descriptors are written once in init; writes come from one test task.
    let readEnd: Int32
    let writeEnd: Int32

    init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0)
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count { offset += Foundation.write(writeEnd, raw.baseAddress! + offset, raw.count - offset) }
        }
    }

    func closeWriter() { close(writeEnd) }
}
