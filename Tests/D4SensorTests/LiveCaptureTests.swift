import D4TestSupport
import Foundation
import PacketCapture
import XCTest
@testable import D4Sensor

/// Live capture on the loopback interface (needs root or CAP_NET_RAW, as CI has).
final class LiveCaptureTests: XCTestCase {
    func testCapturesUDPOnLoopbackAsAPcapStream() throws {
        let stop = StopSignal()
        let port: UInt16 = 47_000 + UInt16.random(in: 0 ..< 1000)
        let source: LiveCaptureSource
        do {
            source = try LiveCaptureSource(interface: "lo", filter: CaptureFilter(ipProtocol: .udp, port: port), stop: stop)
        } catch let error as SourceError where error.reason.contains("CAP_NET_RAW") {
            if ProcessInfo.processInfo.environment["CI"] != nil { throw error }
            throw XCTSkip("live capture needs root: \(error)")
        }
        let marker = Array("d4-live-capture-marker".utf8)
        let sender = Thread {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            for _ in 0 ..< 20 where !stop.isStopped {
                _ = marker.withUnsafeBytes { raw in
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            close(fd)
        }
        sender.start()
        var stream: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65535, alignment: 16)
        defer { buffer.deallocate() }
        var reader = PcapStreamReader()
        var matching = 0
        var others = 0
        let deadline = Date().addingTimeInterval(10)
        while matching < 3, Date() < deadline {
            guard case .bytes(let count) = try source.read(into: buffer) else { break }
            stream += buffer[0 ..< count]
            try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0 ..< count])) { record in
                if case .packet(let packet) = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes),
                   case .udp(let udp) = packet.transport, udp.destinationPort == port {
                    matching += 1
                } else {
                    others += 1
                }
            }
        }
        stop.stop()
        XCTAssertGreaterThanOrEqual(matching, 3, "captured the datagrams sent to 127.0.0.1:\(port)")
        XCTAssertEqual(others, 0, "the filter let only UDP port \(port) through")
        XCTAssertEqual(Array(stream[0 ..< 4]), [0xD4, 0xC3, 0xB2, 0xA1], "the stream starts with a pcap global header")
    }
}
