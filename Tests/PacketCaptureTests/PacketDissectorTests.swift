import PacketCapture
import XCTest

final class PacketDissectorTests: XCTestCase {
    typealias F = FrameBuilder

    /// Dissects through both entry points and checks they agree.
    func dissect(_ linkType: UInt16, _ frame: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> DissectionResult {
        frame.withUnsafeBytes { raw in
            let result = PacketDissector.dissect(linkType: linkType, bytes: raw)
            var packet = DissectedPacket.unset
            let status = PacketDissector.dissect(linkType: linkType, bytes: raw, into: &packet)
            switch result {
            case .packet(let returned):
                XCTAssertEqual(status, .packet, file: file, line: line)
                XCTAssertEqual(packet, returned, file: file, line: line)
            case .notIP: XCTAssertEqual(status, .notIP, file: file, line: line)
            case .unsupportedLinkType(let type): XCTAssertEqual(status, .unsupportedLinkType(type), file: file, line: line)
            case .malformed(let reason): XCTAssertEqual(status, .malformed(reason), file: file, line: line)
            }
            return result
        }
    }

    func packet(_ linkType: UInt16, _ frame: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> DissectedPacket {
        let result = dissect(linkType, frame)
        return try XCTUnwrap(result.packet, "expected a packet, got \(result)", file: file, line: line)
    }

    func tcpInfo(_ packet: DissectedPacket, file: StaticString = #filePath, line: UInt = #line) throws -> TCPSegmentInfo {
        guard case .tcp(let tcp) = packet.transport else {
            XCTFail("expected TCP, got \(packet.transport)", file: file, line: line)
            throw XCTSkip()
        }
        return tcp
    }

    func icmpInfo(_ packet: DissectedPacket, file: StaticString = #filePath, line: UInt = #line) throws -> ICMPMessageInfo {
        guard case .icmp(let icmp) = packet.transport else {
            XCTFail("expected ICMP, got \(packet.transport)", file: file, line: line)
            throw XCTSkip()
        }
        return icmp
    }

    // MARK: IPv4, TCP, UDP

    func testIPv4WithOptionsAndTCPWithOptions() throws {
        let segment = F.tcp(source: 443, destination: 51000, sequence: 0xDEAD_BEEF, acknowledgement: 0x0102_0304,
                            flags: 0x1D2, window: 1024, optionWords: 3, payload: [UInt8](repeating: 7, count: 100))
        // 6 bytes of Ethernet padding after the IP packet must not count as payload.
        let frame = F.ethernet(0x0800, F.ipv4(6, segment, ttl: 243, optionWords: 2) + [UInt8](repeating: 0, count: 6))
        let packet = try packet(LinkType.ethernet, frame)
        XCTAssertEqual(packet.source, .v4(F.source4))
        XCTAssertEqual(packet.destination, .v4(F.destination4))
        XCTAssertEqual(packet.source.description, "192.0.2.1")
        XCTAssertEqual(packet.ipProtocol, 6)
        XCTAssertEqual(packet.ttl, 243)
        XCTAssertEqual(packet.ipLength, 28 + 32 + 100)
        XCTAssertEqual(packet.fragmentOffset, 0)
        XCTAssertFalse(packet.moreFragments)
        let tcp = try tcpInfo(packet)
        XCTAssertEqual(tcp.sourcePort, 443)
        XCTAssertEqual(tcp.destinationPort, 51000)
        XCTAssertEqual(tcp.sequenceNumber, 0xDEAD_BEEF)
        XCTAssertEqual(tcp.acknowledgementNumber, 0x0102_0304)
        XCTAssertEqual(tcp.flags, [.ns, .cwr, .ece, .ack, .syn])
        XCTAssertEqual(tcp.window, 1024)
        XCTAssertEqual(tcp.headerLength, 32)
        XCTAssertEqual(tcp.payloadLength, 100)
    }

    func testPayloadLengthComesFromTheIPHeaderWhenTheSnaplenCutThePacket() throws {
        let frame = F.ethernet(0x0800, F.ipv4(17, F.udp(payload: [UInt8](repeating: 1, count: 1000))))
        let packet = try packet(LinkType.ethernet, Array(frame.prefix(14 + 20 + 8 + 10)))
        guard case .udp(let udp) = packet.transport else { return XCTFail("\(packet.transport)") }
        XCTAssertEqual(udp.sourcePort, 53)
        XCTAssertEqual(udp.destinationPort, 33333)
        XCTAssertEqual(udp.payloadLength, 1000)
        XCTAssertEqual(packet.ipLength, 1028)
    }

    func testIPv4Fragments() throws {
        let first = try packet(LinkType.ethernet, F.ethernet(0x0800, F.ipv4(17, F.udp(payload: [1, 2, 3]), fragmentField: 0x2000)))
        XCTAssertTrue(first.moreFragments)
        XCTAssertEqual(first.fragmentOffset, 0)
        if case .udp = first.transport {} else { XCTFail("first fragment keeps its UDP header: \(first.transport)") }

        // Offset 185 × 8 = 1480; the payload is not a UDP header even though it could parse as one.
        let later = try packet(LinkType.ethernet, F.ethernet(0x0800, F.ipv4(17, F.udp(), fragmentField: 185)))
        XCTAssertEqual(later.fragmentOffset, 1480)
        XCTAssertFalse(later.moreFragments)
        XCTAssertEqual(later.transport, .fragment(ipProtocol: 17))
    }

    // MARK: IPv6

    func testIPv6ExtensionHeaderChainToTCP() throws {
        let ah: [UInt8] = [4, 0, 0] + [UInt8](repeating: 0xAA, count: 20)  // (4 + 2) × 4 = 24 bytes
        let frame = F.ethernet(0x86DD, F.ipv6(6, F.tcp(flags: 0x04), extensions: [
            (0, F.optionsHeader(units: 1)), (43, F.optionsHeader(units: 3)), (60, F.optionsHeader(units: 2)), (51, ah),
        ]))
        let packet = try packet(LinkType.ethernet, frame)
        XCTAssertEqual(packet.source, .v6(F.source6.0, F.source6.1))
        XCTAssertEqual(packet.source.description, "2001:db8::1")
        XCTAssertEqual(packet.destination.description, "2001:db8:ffff::42")
        XCTAssertEqual(packet.ipProtocol, 6)
        XCTAssertEqual(packet.ttl, 57)
        XCTAssertEqual(packet.ipLength, 40 + 8 + 24 + 16 + 24 + 20)
        let tcp = try tcpInfo(packet)
        XCTAssertEqual(tcp.flags, .rst)
        XCTAssertEqual(tcp.payloadLength, 0)
    }

    func testIPv6Fragments() throws {
        let first = try packet(LinkType.ipv6, F.ipv6(17, F.udp(payload: [9, 9]), extensions: [(44, F.fragmentHeader(offset: 0, more: true))]))
        XCTAssertTrue(first.moreFragments)
        if case .udp = first.transport {} else { XCTFail("\(first.transport)") }
        let later = try packet(LinkType.ipv6, F.ipv6(17, [1, 2, 3, 4, 5, 6, 7, 8], extensions: [
            (0, F.optionsHeader(units: 1)), (44, F.fragmentHeader(offset: 1448, more: false)),
        ]))
        XCTAssertEqual(later.fragmentOffset, 1448)
        XCTAssertEqual(later.transport, .fragment(ipProtocol: 17))
        XCTAssertEqual(later.ipProtocol, 17)
    }

    func testEncryptedAndUnknownTransportsAreOther() throws {
        XCTAssertEqual(try packet(LinkType.ipv6, F.ipv6(50, [UInt8](repeating: 0, count: 16))).transport, .other(ipProtocol: 50))
        XCTAssertEqual(try packet(LinkType.ipv4, F.ipv4(47, [0, 0, 8, 0])).transport, .other(ipProtocol: 47))
        XCTAssertEqual(try packet(LinkType.ipv6, F.ipv6(59, [])).transport, .other(ipProtocol: 59))
    }

    // MARK: ICMP

    func testICMPv4ErrorsQuoteTheOffendingPacket() throws {
        let offending = F.ipv4(6, F.tcp(source: 40000, destination: 80, sequence: 0xCAFE_F00D, flags: 0x02),
                               source: F.destination4, destination: 0x0A00_0001)
        for type: UInt8 in [3, 4, 5, 11, 12] {
            let icmp = try icmpInfo(try packet(LinkType.ethernet, F.ethernet(0x0800, F.ipv4(1, F.icmp(type: type, code: 1, quoting: Array(offending.prefix(28)))))))
            XCTAssertFalse(icmp.isV6)
            XCTAssertEqual(icmp.type, type)
            XCTAssertEqual(icmp.code, 1)
            let quoted = try XCTUnwrap(icmp.quoted, "type \(type)")
            XCTAssertEqual(quoted.source, .v4(F.destination4))
            XCTAssertEqual(quoted.destination, .v4(0x0A00_0001))
            XCTAssertEqual(quoted.ipProtocol, 6)
            XCTAssertEqual(quoted.sourcePort, 40000)
            XCTAssertEqual(quoted.destinationPort, 80)
            XCTAssertEqual(quoted.tcpSequenceNumber, 0xCAFE_F00D)
            XCTAssertEqual(quoted.fragmentOffset, 0)
        }
        // Echo request: no quote. A quote shorter than an IP header: none either. Only 4 transport bytes: ports only.
        XCTAssertNil(try icmpInfo(try packet(LinkType.ipv4, F.ipv4(1, F.icmp(type: 8, quoting: offending)))).quoted)
        XCTAssertNil(try icmpInfo(try packet(LinkType.ipv4, F.ipv4(1, F.icmp(type: 3, quoting: Array(offending.prefix(19)))))).quoted)
        let short = try XCTUnwrap(try icmpInfo(try packet(LinkType.ipv4, F.ipv4(1, F.icmp(type: 3, quoting: Array(offending.prefix(24)))))).quoted)
        XCTAssertEqual(short.sourcePort, 40000)
        XCTAssertNil(short.tcpSequenceNumber)
        // A quoted non-first fragment has no ports.
        let quotedFragment = F.ipv4(17, F.udp(), fragmentField: 100)
        let fragmentQuote = try XCTUnwrap(try icmpInfo(try packet(LinkType.ipv4, F.ipv4(1, F.icmp(type: 3, quoting: quotedFragment)))).quoted)
        XCTAssertEqual(fragmentQuote.fragmentOffset, 800)
        XCTAssertNil(fragmentQuote.sourcePort)
    }

    func testICMPv6ErrorsQuoteTheOffendingPacket() throws {
        let offending = F.ipv6(17, F.udp(source: 5353, destination: 53), extensions: [(60, F.optionsHeader(units: 1))])
        for type: UInt8 in [1, 2, 3, 4] {
            let icmp = try icmpInfo(try packet(LinkType.ipv6, F.ipv6(58, F.icmp(type: type, quoting: offending))))
            XCTAssertTrue(icmp.isV6)
            XCTAssertEqual(icmp.type, type)
            let quoted = try XCTUnwrap(icmp.quoted)
            XCTAssertEqual(quoted.source, .v6(F.source6.0, F.source6.1))
            XCTAssertEqual(quoted.ipProtocol, 17)
            XCTAssertEqual(quoted.sourcePort, 5353)
            XCTAssertEqual(quoted.destinationPort, 53)
            XCTAssertNil(quoted.tcpSequenceNumber)
        }
        XCTAssertNil(try icmpInfo(try packet(LinkType.ipv6, F.ipv6(58, F.icmp(type: 128, quoting: offending)))).quoted)
        // Cut inside the quoted extension header: addresses kept, transport unknown.
        let cut = try XCTUnwrap(try icmpInfo(try packet(LinkType.ipv6, F.ipv6(58, F.icmp(type: 1, quoting: Array(offending.prefix(44))))))).quoted
        XCTAssertEqual(cut?.destination, .v6(F.destination6.0, F.destination6.1))
        XCTAssertNil(cut?.sourcePort)
    }

    // MARK: Link layers

    func testEveryLinkTypeReachesTheIPPacket() throws {
        let ip4 = F.ipv4(17, F.udp())
        let ip6 = F.ipv6(17, F.udp())
        let sll = { (type: UInt16, ip: [UInt8]) -> [UInt8] in [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0xEE, count: 8) + F.be16(type) + ip }
        let sll2 = { (type: UInt16, ip: [UInt8]) -> [UInt8] in F.be16(type) + [0, 0] + F.be32(3) + [0, 1, 0, 6] + [UInt8](repeating: 0xEE, count: 8) + ip }
        let cases: [(String, UInt16, [UInt8], Bool)] = [
            ("Ethernet", LinkType.ethernet, F.ethernet(0x0800, ip4), true),
            ("802.1Q", LinkType.ethernet, F.ethernet(0x86DD, ip6, tags: [0x8100]), false),
            ("QinQ 88a8", LinkType.ethernet, F.ethernet(0x0800, ip4, tags: [0x88A8, 0x8100]), true),
            ("QinQ 9100", LinkType.ethernet, F.ethernet(0x0800, ip4, tags: [0x9100, 0x8100]), true),
            ("PPPoE", LinkType.ethernet, F.ethernet(0x8864, [0x11, 0, 0, 1] + F.be16(UInt16(ip6.count + 2)) + F.be16(0x0057) + ip6), false),
            ("MPLS", LinkType.ethernet, F.ethernet(0x8847, [0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64] + ip4), true),
            ("LLC/SNAP", LinkType.ethernet, F.ethernet(UInt16(ip4.count + 8), [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00] + ip4), true),
            ("raw v4", LinkType.raw, ip4, true), ("raw v6", LinkType.raw, ip6, false),
            ("raw 12", LinkType.rawBSD, ip4, true), ("raw 14", LinkType.rawOpenBSD, ip6, false),
            ("IPv4", LinkType.ipv4, ip4, true), ("IPv6", LinkType.ipv6, ip6, false),
            ("SLL", LinkType.linuxSLL, sll(0x0800, ip4), true), ("SLL v6", LinkType.linuxSLL, sll(0x86DD, ip6), false),
            ("SLL2", LinkType.linuxSLL2, sll2(0x86DD, ip6), false),
            ("NULL little-endian", LinkType.null, [2, 0, 0, 0] + ip4, true),
            ("NULL big-endian", LinkType.null, [0, 0, 0, 2] + ip4, true),
            ("NULL 24", LinkType.null, [24, 0, 0, 0] + ip6, false), ("NULL 28", LinkType.null, [0, 0, 0, 28] + ip6, false),
            ("NULL 30", LinkType.null, [30, 0, 0, 0] + ip6, false),
            ("LOOP", LinkType.loop, [0, 0, 0, 2] + ip4, true), ("LOOP v6", LinkType.loop, [0, 0, 0, 30] + ip6, false),
            ("Cisco HDLC", LinkType.ciscoHDLC, [0x0F, 0, 0x08, 0x00] + ip4, true),
            ("PPP", LinkType.ppp, [0xFF, 0x03, 0x00, 0x21] + ip4, true),
            ("PPP no address", LinkType.ppp, [0x00, 0x57] + ip6, false),
            ("PPP compressed protocol", LinkType.ppp, [0x21] + ip4, true),
            ("PPP in HDLC", LinkType.pppHDLC, [0xFF, 0x03, 0x00, 0x21] + ip4, true),
        ]
        for (name, linkType, frame, isV4) in cases {
            let result = dissect(linkType, frame)
            guard let packet = result.packet else { XCTFail("\(name): \(result)"); continue }
            XCTAssertEqual(packet.source.isV4, isV4, name)
            XCTAssertEqual(packet.transport, .udp(UDPDatagramInfo(sourcePort: 53, destinationPort: 33333, payloadLength: 0)), name)
        }
    }

    func testNonIPFramesAndUnsupportedLinkTypes() {
        XCTAssertEqual(dissect(LinkType.ethernet, F.ethernet(0x0806, [UInt8](repeating: 0, count: 28))), .notIP)
        XCTAssertEqual(dissect(LinkType.ethernet, F.ethernet(0x88CC, [1, 2, 3])), .notIP)
        XCTAssertEqual(dissect(LinkType.ethernet, F.ethernet(38, [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 35))), .notIP)
        XCTAssertEqual(dissect(LinkType.null, [7, 0, 0, 0, 0x45]), .notIP)
        XCTAssertEqual(dissect(LinkType.ppp, [0xFF, 0x03, 0xC0, 0x21, 1, 2]), .notIP)
        XCTAssertEqual(dissect(LinkType.ciscoHDLC, [0x8F, 0, 0x80, 0x35]), .notIP)
        XCTAssertEqual(dissect(127, [0, 0, 8, 0, 0, 0, 0, 0]), .unsupportedLinkType(127))
        XCTAssertEqual(dissect(107, []), .unsupportedLinkType(107))
    }

    // MARK: Malformed

    func testEveryMalformedReasonHasACraftedFrame() {
        let tcp = F.tcp()
        let crafted: [(MalformedReason, UInt16, [UInt8])] = [
            (.truncatedLinkHeader, LinkType.ethernet, [UInt8](repeating: 0, count: 13)),
            (.truncatedLinkHeader, LinkType.ethernet, F.ethernet(0x8100, [0, 1])),
            (.truncatedLinkHeader, LinkType.linuxSLL, [UInt8](repeating: 0, count: 15)),
            (.truncatedLinkHeader, LinkType.linuxSLL2, [UInt8](repeating: 0, count: 19)),
            (.truncatedLinkHeader, LinkType.null, [2, 0]),
            (.truncatedLinkHeader, LinkType.ppp, [0xFF, 0x03]),
            (.truncatedLinkHeader, LinkType.ethernet, F.ethernet(0x8847, [0, 0, 0, 64])),
            (.badIPVersion, LinkType.ethernet, F.ethernet(0x0800, [0x65] + [UInt8](repeating: 0, count: 39))),
            (.badIPVersion, LinkType.raw, [0x15, 0, 0, 20]),
            (.badIPVersion, LinkType.ethernet, F.ethernet(0x86DD, F.ipv4(6, tcp))),
            (.truncatedIPv4Header, LinkType.ethernet, F.ethernet(0x0800, Array(F.ipv4(6, tcp).prefix(19)))),
            (.truncatedIPv4Header, LinkType.ipv4, Array(F.ipv4(6, tcp, optionWords: 4).prefix(30))),
            (.truncatedIPv4Header, LinkType.raw, []),
            (.badIPv4HeaderLength, LinkType.ipv4, [0x44] + Array(F.ipv4(6, tcp).dropFirst())),
            (.badIPv4TotalLength, LinkType.ipv4, F.ipv4(6, tcp, totalLength: 19)),
            (.badIPv4TotalLength, LinkType.ipv4, F.ipv4(6, tcp, optionWords: 2, totalLength: 24)),
            (.truncatedIPv6Header, LinkType.ipv6, Array(F.ipv6(6, tcp).prefix(39))),
            (.badIPv6ExtensionHeaderChain, LinkType.ipv6, F.ipv6(6, tcp, extensions: [(0, F.optionsHeader(units: 1))], payloadLength: 4)),
            (.badIPv6ExtensionHeaderChain, LinkType.ipv6, Array(F.ipv6(6, tcp, extensions: [(43, F.optionsHeader(units: 4))]).prefix(60))),
            (.badIPv6ExtensionHeaderChain, LinkType.ipv6, F.ipv6(6, [], extensions: [(44, [0, 0, 0])], payloadLength: 4)),
            (.truncatedTCPHeader, LinkType.ipv4, F.ipv4(6, Array(tcp.prefix(19)))),
            (.truncatedTCPHeader, LinkType.ipv6, Array(F.ipv6(6, tcp).prefix(59))),
            (.badTCPDataOffset, LinkType.ipv4, F.ipv4(6, F.tcp().enumerated().map { $0.offset == 12 ? 0x40 : $0.element })),
            (.badTCPDataOffset, LinkType.ipv4, F.ipv4(6, F.tcp().enumerated().map { $0.offset == 12 ? 0xF0 : $0.element })),
            (.truncatedUDPHeader, LinkType.ipv4, F.ipv4(17, Array(F.udp().prefix(7)))),
            (.truncatedUDPHeader, LinkType.ipv6, F.ipv6(17, [0, 53])),
            (.truncatedICMPHeader, LinkType.ipv4, F.ipv4(1, [3, 1, 0])),
            (.truncatedICMPHeader, LinkType.ipv6, F.ipv6(58, [1])),
        ]
        var seen = Set<MalformedReason>()
        var counters = MalformedCounters()
        for (reason, linkType, frame) in crafted {
            let result = dissect(linkType, frame)
            XCTAssertEqual(result, .malformed(reason), "link type \(linkType), \(frame.count) bytes")
            counters.count(result)
            seen.insert(reason)
        }
        XCTAssertEqual(seen, Set(MalformedReason.allCases), "every reason has a crafted frame")
        XCTAssertEqual(counters.malformedTotal, crafted.count)
        XCTAssertEqual(counters[.truncatedLinkHeader], 7)
        XCTAssertEqual(counters.packets, 0)
    }

    func testMalformedCountersCountEveryOutcome() {
        var counters = MalformedCounters()
        counters.count(.packet(DissectedPacket(source: .v4(1), destination: .v4(2), ipProtocol: 6, ttl: 1, ipLength: 40,
                                               transport: .other(ipProtocol: 6))))
        counters.count(.notIP)
        counters.count(.unsupportedLinkType(127))
        counters.count(.unsupportedLinkType(127))
        counters.count(.malformed(.badTCPDataOffset))
        var other = MalformedCounters()
        other.count(.unsupportedLinkType(107))
        other.count(.malformed(.badTCPDataOffset))
        counters.merge(other)
        XCTAssertEqual(counters.packets, 1)
        XCTAssertEqual(counters.notIP, 1)
        XCTAssertEqual(counters.unsupportedLinkTypes, [127: 2, 107: 1])
        XCTAssertEqual(counters.byReason, [.badTCPDataOffset: 2])
        XCTAssertEqual(counters.total, 7)
        counters.count(status: .packet)
        counters.count(status: .malformed(.truncatedUDPHeader))
        XCTAssertEqual(counters.packets, 2)
        XCTAssertEqual(counters[.truncatedUDPHeader], 1)
    }

    /// Dissection results and records are plain bits (no class, array or string inside), so dissecting
    /// cannot allocate per packet; the benchmark (dev package) also counts malloc calls around it.
    func testResultsAreTrivialValuesWithoutReferences() {
        XCTAssertTrue(_isPOD(DissectionResult.self))
        XCTAssertTrue(_isPOD(DissectedPacket.self))
        XCTAssertTrue(_isPOD(CaptureRecord.self))
        XCTAssertTrue(_isPOD(DissectionStatus.self))
    }

    func testNoFrameCrashesTheDissectorWhateverItsBytes() {
        // Every prefix of a rich frame, under every link type: each outcome is a value, never a trap.
        let rich = F.ethernet(0x86DD, F.ipv6(58, F.icmp(type: 1, quoting: F.ipv6(6, F.tcp(), extensions: [(0, F.optionsHeader(units: 1))]))), tags: [0x8100])
        var counters = MalformedCounters()
        for linkType in LinkType.dissected {
            for length in 0 ... rich.count {
                counters.count(dissect(linkType, Array(rich.prefix(length))))
            }
        }
        XCTAssertEqual(counters.total, LinkType.dissected.count * (rich.count + 1))
        XCTAssertGreaterThan(counters.packets, 0)
    }
}
