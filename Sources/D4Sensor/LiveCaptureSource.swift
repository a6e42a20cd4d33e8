import CSystemShims
import Foundation
import PacketCapture

#if canImport(Glibc)
import Glibc

/// Live capture on a Linux interface through an AF_PACKET raw socket (needs root or CAP_NET_RAW),
/// emitted as a pcap stream: the global header first, then one record per packet.
///
/// Each read returns as many whole records as fit in the buffer and are ready now, so frames end at
/// record boundaries while traffic is light. The sensor's own uplink port is always filtered out, or
/// the sensor would capture its own stream.
public final class LiveCaptureSource: ByteSource {
    public static let snaplen = 65535

    private let interface: String
    private let filter: CaptureFilter
    private let stop: StopSignal
    private let socketDescriptor: Int32
    private var headerPending: [UInt8]
    private let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: LiveCaptureSource.snaplen, alignment: 16)
    /// A packet received but not yet emitted because the caller's buffer was full.
    private var carried: (length: Int, original: Int, seconds: UInt32, micros: UInt32)?
    public private(set) var packetsFiltered = 0

    public init(interface: String, filter: CaptureFilter, stop: StopSignal) throws {
        self.interface = interface
        self.filter = filter
        self.stop = stop
        let index = if_nametoindex(interface)
        guard index != 0 else { throw SourceError(path: "interface \(interface)", reason: "no such network interface") }
        let fd = d4_open_packet_socket(index)
        guard fd >= 0 else {
            let code = -fd
            throw SourceError(path: "interface \(interface)", reason: code == EPERM
                ? "live capture needs root or CAP_NET_RAW (\(String(cString: strerror(code))))" : String(cString: strerror(code)))
        }
        // Wake up regularly to notice a stop request.
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        socketDescriptor = fd
        headerPending = PcapFileHeader(linkType: LinkType.ethernet, snaplen: UInt32(Self.snaplen)).bytes
    }

    deinit {
        close(socketDescriptor)
        packet.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> SourceRead {
        var filled = 0
        if !headerPending.isEmpty {
            let count = min(headerPending.count, buffer.count)
            headerPending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            headerPending.removeFirst(count)
            return .bytes(count)
        }
        while !stop.isStopped {
            if carried == nil {
                // Block for the first packet of this read; take further ones only if already queued.
                guard let received = try receive(wait: filled == 0) else {
                    if filled > 0 { return .bytes(filled) }
                    continue
                }
                carried = received
            }
            guard let record = carried else { continue }
            let recordLength = 16 + record.length
            if recordLength > buffer.count - filled {
                if filled > 0 { return .bytes(filled) }
                // Buffer smaller than one record (small snaplen): emit the record in pieces.
                return .bytes(emitPiecewise(record, into: buffer))
            }
            writeRecord(record, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled ..< filled + recordLength]))
            filled += recordLength
            carried = nil
        }
        return filled > 0 ? .bytes(filled) : .endOfInput
    }

    private var piecewise: [UInt8] = []

    private func emitPiecewise(_ record: (length: Int, original: Int, seconds: UInt32, micros: UInt32),
                               into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if piecewise.isEmpty {
            piecewise = [UInt8](repeating: 0, count: 16 + record.length)
            piecewise.withUnsafeMutableBytes { writeRecord(record, into: $0) }
        }
        let count = min(buffer.count, piecewise.count)
        piecewise.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
        piecewise.removeFirst(count)
        if piecewise.isEmpty { carried = nil }
        return count
    }

    private func writeRecord(_ record: (length: Int, original: Int, seconds: UInt32, micros: UInt32),
                             into destination: UnsafeMutableRawBufferPointer) {
        destination.storeBytes(of: record.seconds.littleEndian, toByteOffset: 0, as: UInt32.self)
        destination.storeBytes(of: record.micros.littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: UInt32(record.length).littleEndian, toByteOffset: 8, as: UInt32.self)
        destination.storeBytes(of: UInt32(record.original).littleEndian, toByteOffset: 12, as: UInt32.self)
        destination.baseAddress!.advanced(by: 16).copyMemory(from: packet.baseAddress!, byteCount: record.length)
    }

    /// One packet that passes the filter, or nil (timeout / nothing queued).
    private func receive(wait: Bool) throws -> (length: Int, original: Int, seconds: UInt32, micros: UInt32)? {
        while true {
            let count = recv(socketDescriptor, packet.baseAddress, packet.count, (wait ? 0 : Int32(MSG_DONTWAIT)) | Int32(MSG_TRUNC))
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                throw SourceError(path: "interface \(interface)", errno: errno)
            }
            let captured = min(count, packet.count)
            guard passes(UnsafeRawBufferPointer(rebasing: packet[0 ..< captured])) else {
                packetsFiltered += 1
                continue
            }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return (captured, count, UInt32(truncatingIfNeeded: now.tv_sec), UInt32(now.tv_nsec / 1000))
        }
    }

    private func passes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let wantsSomething = filter.ipProtocol != nil || filter.port != nil
        guard case .packet(let dissected) = PacketDissector.dissect(linkType: LinkType.ethernet, bytes: bytes) else {
            return !wantsSomething
        }
        var ports: (UInt16, UInt16)?
        var proto: CaptureFilter.IPProtocol?
        switch dissected.transport {
        case .tcp(let tcp): (proto, ports) = (.tcp, (tcp.sourcePort, tcp.destinationPort))
        case .udp(let udp): (proto, ports) = (.udp, (udp.sourcePort, udp.destinationPort))
        case .icmp: proto = .icmp
        case .fragment, .other: break
        }
        if let ports, filter.excludedPorts.contains(ports.0) || filter.excludedPorts.contains(ports.1) { return false }
        if let wanted = filter.ipProtocol, wanted != proto { return false }
        if let port = filter.port {
            guard let ports, ports.0 == port || ports.1 == port else { return false }
        }
        return true
    }
}
#endif
