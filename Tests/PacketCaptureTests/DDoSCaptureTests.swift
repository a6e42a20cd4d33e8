import D4Basics
import D4TestSupport
import PacketCapture
import XCTest

/// The four real DDoS captures of shared/data/ddos (StopDDoS collection, L.F. Haaijer 2022): counts per
/// traffic class must equal the figures listed (from tshark 4.0) in shared/data/README.md.
///
/// Definitions (each checked against the listed figures; all counts are over IPv4 packets, as the
/// README's "distinct IPv4 sources" says — the RRSIG capture's 15 IPv6 packets fall under "non-IPv4"):
/// - SYN/ACK: TCP with SYN and ACK.            - RST: TCP with RST (RST+ACK included).
/// - lone SYN: TCP with SYN and without ACK.   - ACK-only: TCP with ACK, without SYN and RST
///   (FIN and PSH allowed: 0x10, 0x11, 0x18, 0x19 — the strict "flags == 0x10" gives 2,046, not 2,702).
/// - UDP: UDP header present (first fragments included, non-first fragments have no header).
/// - ICMP echo request: ICMP type 8.           - non-IPv4: every record not dissected as an IPv4 packet.
/// - The README's "non-first fragments" row is, in fact, every IPv4 packet that is none of TCP, UDP and
///   ICMP echo request: tshark here (`ip.frag_offset > 0`) finds only 1 and 726 true non-first fragments;
///   the row adds the 153 ICMP destination-unreachable errors of the reflection capture and the one GRE
///   packet of the RRSIG capture. Both readings are asserted below.
final class DDoSCaptureTests: XCTestCase {
    struct ClassCounts {
        var records = 0
        var packets: [String: Int] = [:]
        var sources: [String: Set<IPAddress>] = [:]

        mutating func add(_ name: String, _ source: IPAddress) {
            packets[name, default: 0] += 1
            sources[name, default: []].insert(source)
        }

        func count(_ name: String) -> Int { packets[name] ?? 0 }
        func distinctSources(_ name: String) -> Int { sources[name]?.count ?? 0 }
    }

    func classify(_ name: String) throws -> ClassCounts {
        var reader = try CaptureFileReader(path: SharedData.path("data/ddos/\(name)"))
        var counts = ClassCounts()
        let summary = try reader.forEachRecord { record in
            counts.records += 1
            guard case .packet(let packet) = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes),
                  packet.source.isV4 else {
                counts.packets["non-IPv4", default: 0] += 1
                return
            }
            let source = packet.source
            if packet.fragmentOffset > 0 { counts.add("true non-first fragment", source) }
            switch packet.transport {
            case .tcp(let tcp):
                let flags = tcp.flags
                if flags.contains(.syn), flags.contains(.ack) { counts.add("SYN/ACK", source) }
                if flags.contains(.syn), !flags.contains(.ack) { counts.add("lone SYN", source) }
                if flags.contains(.rst) { counts.add("RST", source) }
                if flags.contains(.ack), flags.isDisjoint(with: [.syn, .rst]) { counts.add("ACK-only", source) }
            case .udp:
                counts.add("UDP", source)
            case .icmp(let icmp) where icmp.type == 8:
                counts.add("ICMP echo request", source)
            case .icmp, .fragment, .other:
                counts.add("other IPv4 (README: non-first fragments)", source)
            }
        }
        XCTAssertTrue(summary.isComplete, "\(name): \(String(describing: summary.endIssue))")
        XCTAssertEqual(summary.format, .pcap(resolution: .microseconds, byteSwapped: false))
        XCTAssertEqual(summary.linkTypes, [LinkType.ethernet])
        return counts
    }

    func testReflectionCapture() throws {
        let counts = try classify("amp.TCP.reflection.SYNACK.pcap")
        XCTAssertEqual(counts.records, 8000)
        XCTAssertEqual(counts.count("SYN/ACK"), 6651)
        XCTAssertEqual(counts.distinctSources("SYN/ACK"), 6035)
        XCTAssertEqual(counts.count("RST"), 1018)
        XCTAssertEqual(counts.distinctSources("RST"), 991)
        XCTAssertEqual(counts.count("UDP"), 163)
        XCTAssertEqual(counts.distinctSources("UDP"), 17)
        XCTAssertEqual(counts.count("other IPv4 (README: non-first fragments)"), 154)
        XCTAssertEqual(counts.count("true non-first fragment"), 1)
        XCTAssertEqual(counts.count("ACK-only"), 9)
        XCTAssertEqual(counts.count("lone SYN"), 1)
        XCTAssertEqual(counts.count("non-IPv4"), 4)
    }

    func testSynFloodCapture() throws {
        let counts = try classify("pkt.TCP.synflood.spoofed.pcap")
        XCTAssertEqual(counts.records, 37841)
        XCTAssertEqual(counts.count("lone SYN"), 37841)
        XCTAssertEqual(counts.distinctSources("lone SYN"), 37623)
        XCTAssertEqual(counts.count("SYN/ACK"), 0)
        XCTAssertEqual(counts.count("non-IPv4"), 0)
    }

    func testFragmentedDNSCapture() throws {
        let counts = try classify("amp.dns.RRSIG.fragmented.pcap")
        XCTAssertEqual(counts.records, 4412)
        XCTAssertEqual(counts.count("ACK-only"), 2702)
        XCTAssertEqual(counts.distinctSources("ACK-only"), 32)
        XCTAssertEqual(counts.count("other IPv4 (README: non-first fragments)"), 727)
        XCTAssertEqual(counts.count("true non-first fragment"), 726)
        XCTAssertEqual(counts.count("UDP"), 570)
        XCTAssertEqual(counts.distinctSources("UDP"), 60)
        XCTAssertEqual(counts.count("lone SYN"), 287)
        XCTAssertEqual(counts.distinctSources("lone SYN"), 140)
        XCTAssertEqual(counts.count("RST"), 82)
        XCTAssertEqual(counts.distinctSources("RST"), 12)
        XCTAssertEqual(counts.count("SYN/ACK"), 22)
        XCTAssertEqual(counts.distinctSources("SYN/ACK"), 10)
        XCTAssertEqual(counts.count("ICMP echo request"), 7)
        XCTAssertEqual(counts.count("non-IPv4"), 15)
    }

    func testISAKMPCapture() throws {
        let counts = try classify("amp.UDP.isakmp.pcap")
        XCTAssertEqual(counts.records, 3984)
        XCTAssertEqual(counts.count("UDP"), 3984)
        XCTAssertEqual(counts.distinctSources("UDP"), 2767)
        var destinations = Set<IPAddress>()
        var reader = try CaptureFileReader(path: SharedData.path("data/ddos/amp.UDP.isakmp.pcap"))
        _ = try reader.forEachRecord { record in
            if let packet = PacketDissector.dissect(linkType: record.linkType, bytes: record.bytes).packet {
                destinations.insert(packet.destination)
            }
        }
        XCTAssertEqual(destinations.count, 1, "the README says: one destination")
    }
}
