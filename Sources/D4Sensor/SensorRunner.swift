import D4Protocol
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Wires a source, the framer and a destination together: `d4 sensor` in one object.
public final class SensorRunner: Sendable {
    public struct Report: Sendable, Equatable {
        public var frames = 0
        public var payloadBytes = 0
        public var uplink: Uplink.Report?
    }

    public let settings: SensorSettings
    private let logger: Logger
    public let stop = StopSignal()

    public init(settings: SensorSettings, logger: Logger = Logger(label: "d4.sensor")) {
        self.settings = settings
        self.logger = logger
    }

    /// The timestamp source: the fixed one, or the system clock (`time(2)`, which libfaketime controls).
    var clock: @Sendable () -> UInt64 {
        if let fixed = settings.fixedTimestamp { return { fixed } }
        return { UInt64(time(nil)) }
    }

    /// Makes the byte source the settings describe.
    public func makeSource(standardInput: Int32 = STDIN_FILENO) throws -> ByteSource {
        let mergePcap = settings.type == .pcap
        switch settings.source {
        case .standardInput:
            return try FileSequenceSource(descriptor: standardInput, name: "stdin")
        case .files(let paths):
            return try FileSequenceSource(paths: paths, mergePcapFiles: mergePcap)
        case .folder(let path):
            return try FolderSource(folder: path, stateFile: settings.stateDirectory.appendingPathComponent("sent-files"),
                                    mergePcapFiles: mergePcap, stop: stop)
        case .tail(let path, let fromStart):
            return TailSource(path: path, fromStart: fromStart, stop: stop)
        case .interface(let name, let filter):
            var filter = filter
            if let port = settings.destination.port { filter.excludedPorts.insert(UInt16(port)) }
            return try LiveCaptureSource(interface: name, filter: filter, stop: stop)
        }
    }

    /// Streams to a file descriptor (stdout): the reference client's behaviour, and the fast path.
    /// One read(2) straight into the frame buffer, header and HMAC in place, one write(2) per frame.
    public func runToDescriptor(_ output: Int32, source: ByteSource) throws -> Report {
        let builder = try FrameBuilder(uuid: settings.uuid, type: settings.type, key: settings.key,
                                       maximumPayload: max(settings.snaplen, settings.metaHeader?.json.count ?? 0),
                                       version: settings.version)
        let clock = self.clock
        var report = Report()
        func emit(_ frame: UnsafeRawBufferPointer) throws {
            try writeAll(output, frame)
            report.frames += 1
            report.payloadBytes += frame.count - FrameHeader.size
        }
        func emitMetaHeader() throws {
            guard let meta = settings.metaHeader else { return }
            try meta.json.withUnsafeBytes { try emit(builder.frame(payload: $0, timestamp: clock(), type: .metaHeader)) }
        }
        try emitMetaHeader()
        let area = UnsafeMutableRawBufferPointer(rebasing: builder.payloadArea[0 ..< settings.snaplen])
        while true {
            switch try source.read(into: area) {
            case .bytes(let count):
                try emit(builder.finish(payloadCount: count, timestamp: clock()))
            case .endOfSession:
                try emit(builder.finish(payloadCount: 0, timestamp: clock()))
                try emitMetaHeader()
            case .endOfInput:
                try emit(builder.finish(payloadCount: 0, timestamp: clock()))
                return report
            }
        }
    }

    /// Streams to the network destination with reconnects and spooling.
    public func runToNetwork(source: ByteSource, group: EventLoopGroup) async throws -> Report {
        let handoff = FrameHandoff(capacity: 64)
        let producer = FrameProducer(source: source, type: settings.type, snaplen: settings.snaplen, clock: clock)
        let producerResult = ProducerResult()
        let logger = self.logger
        let moved = MovedToThread(producer)
        let thread = Thread {
            let producer = moved.value
            do {
                while let frame = try producer.next() { handoff.put(frame) }
            } catch {
                logger.error("reading the source failed: \(error)")
                producerResult.fail(error)
            }
            if let problem = producer.pcapProblem {
                logger.warning("the input is not a valid pcap stream (\(problem)); it was sent as is")
            }
            handoff.finish()
        }
        thread.name = "d4-sensor-reader"
        thread.start()
        let uplink = try Uplink(settings: settings, group: group, logger: logger, stop: stop)
        let uplinkReport = try await uplink.run(frames: handoff)
        if let error = producerResult.error { throw error }
        return Report(frames: uplinkReport.framesSent, payloadBytes: uplinkReport.bytesSent - uplinkReport.framesSent * FrameHeader.size,
                      uplink: uplinkReport)
    }
}

/// Hands a non-Sendable object to the reader thread; the caller never touches it again.
struct MovedToThread<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The reader thread's failure, read by the async side after the handoff finished.
final class ProducerResult: @unchecked Sendable {
    // Written once by the reader thread before `handoff.finish()`, read after the uplink saw the end.
    private let lock = NSLock()
    private var stored: (any Error)?
    func fail(_ error: any Error) { lock.withLock { stored = error } }
    var error: (any Error)? { lock.withLock { stored } }
}

/// write(2) until everything is written (retrying on EINTR and short writes).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    var written = 0
    while written < bytes.count {
        let count = write(fd, bytes.baseAddress! + written, bytes.count - written)
        if count < 0 {
            if errno == EINTR { continue }
            throw SourceError(path: "output", errno: errno)
        }
        written += count
    }
}
