import D4Analysis
import D4Basics
import PacketCapture

/// Dissected packets built directly, for unit tests of the classifier and the tracker.
enum PacketFactory {
    static let sensor = IPAddress("198.18.0.7")!

    static func tcp(from source: String, to destination: IPAddress = sensor, sourcePort: UInt16 = 80,
                    destinationPort: UInt16 = 40_000, flags: TCPFlags, sequence: UInt32 = 1) -> DissectedPacket {
        DissectedPacket(source: IPAddress(source)!, destination: destination, ipProtocol: 6, ttl: 50, ipLength: 40,
                        transport: .tcp(TCPSegmentInfo(sourcePort: sourcePort, destinationPort: destinationPort,
                                                       sequenceNumber: sequence, acknowledgementNumber: 0, flags: flags,
                                                       window: 1024, headerLength: 20, payloadLength: 0)))
    }

    static func udp(from source: String, to destination: IPAddress = sensor, sourcePort: UInt16 = 40_000,
                    destinationPort: UInt16) -> DissectedPacket {
        DissectedPacket(source: IPAddress(source)!, destination: destination, ipProtocol: 17, ttl: 50, ipLength: 36,
                        transport: .udp(UDPDatagramInfo(sourcePort: sourcePort, destinationPort: destinationPort,
                                                        payloadLength: 8)))
    }

    static func icmp(from source: String, to destination: IPAddress = sensor, type: UInt8, code: UInt8 = 0,
                     isV6: Bool = false, quoted: QuotedPacket? = nil) -> DissectedPacket {
        DissectedPacket(source: IPAddress(source)!, destination: destination, ipProtocol: isV6 ? 58 : 1, ttl: 50,
                        ipLength: 56, transport: .icmp(ICMPMessageInfo(isV6: isV6, type: type, code: code, quoted: quoted)))
    }
}
