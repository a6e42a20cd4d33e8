import D4Protocol
import D4TestSupport
import Foundation
import XCTest
@testable import D4Sensor

final class SensorConfigurationTests: XCTestCase {
    private let validUUID = "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07"

    func testReferenceConfigDirectoryIsRead() throws {
        var inputs = SensorSettings.Inputs()
        inputs.configDirectory = SharedData.vectors.appendingPathComponent("conf-default").path
        let settings = try SensorSettings.resolve(inputs)
        XCTAssertEqual(settings.uuid, UUID(uuidString: validUUID))
        XCTAssertEqual(settings.key, Array("private key to change".utf8), "the key file's last newline is not part of the key")
        XCTAssertEqual(settings.type, .pcap)
        XCTAssertEqual(settings.snaplen, 4096)
        XCTAssertEqual(settings.source, .standardInput)
        XCTAssertEqual(settings.destination, .standardOutput)
    }

    func testFlagsWinOverTheConfigDirectory() throws {
        var inputs = SensorSettings.Inputs()
        inputs.configDirectory = SharedData.vectors.appendingPathComponent("conf-default").path
        inputs.type = "passivedns"
        inputs.snaplen = "64"
        inputs.key = Array("flag key".utf8)
        inputs.destination = "[::1]:4443"
        let settings = try SensorSettings.resolve(inputs)
        XCTAssertEqual(settings.type, .passiveDNS)
        XCTAssertEqual(settings.snaplen, 64)
        XCTAssertEqual(settings.key, Array("flag key".utf8))
        XCTAssertEqual(settings.destination, .tls(host: "::1", port: 4443))
    }

    func testKeyFileKeepsEveryByteBeforeTheLastNewline() {
        XCTAssertEqual(ReferenceConfigDirectory.keyBytes(fromFileContent: Array("a b\nc\n".utf8)), Array("a b\nc".utf8))
        XCTAssertEqual(ReferenceConfigDirectory.keyBytes(fromFileContent: Array("nonewline".utf8)), Array("nonewline".utf8))
    }

    func testRefusals() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let emptyKey = directory.appendingPathComponent("empty.key")
        try Data("\n".utf8).write(to: emptyKey)

        func refusal(_ configure: (inout SensorSettings.Inputs) -> Void) -> SensorConfigurationError? {
            var inputs = SensorSettings.Inputs()
            inputs.uuid = validUUID
            inputs.key = Array("k".utf8)
            configure(&inputs)
            do {
                _ = try SensorSettings.resolve(inputs)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(refusal { $0.key = nil }, .missingKey)
        XCTAssertEqual(refusal { $0.key = [] }, .emptyKey(source: "--key"))
        XCTAssertEqual(refusal { $0.key = nil; $0.keyFile = emptyKey.path }, .emptyKey(source: emptyKey.path))
        XCTAssertEqual(refusal { $0.key = nil; $0.keyFile = "/nonexistent/key" },
                       .unreadableKeyFile(path: "/nonexistent/key", reason: "no such file or permission denied"))
        XCTAssertEqual(refusal { $0.uuid = "3c7e5b2a-9f1d-1e8a-b6c4-2d5f8a1e9b07" }, .uuidNotVersion4("3c7e5b2a-9f1d-1e8a-b6c4-2d5f8a1e9b07"))
        XCTAssertEqual(refusal { $0.uuid = "not-a-uuid" }, .invalidUUID("not-a-uuid"))
        XCTAssertEqual(refusal { $0.uuid = nil }, .missingUUID)
        for bad in ["0", "65536", "-1", "abc"] {
            XCTAssertEqual(refusal { $0.snaplen = bad }, .snaplenOutOfRange(bad))
        }
        XCTAssertNil(refusal { $0.snaplen = "65535" })
        XCTAssertEqual(refusal { $0.type = "bogus" }, .unknownType("bogus"))
        XCTAssertEqual(refusal { $0.version = "2" }, .invalidVersion("2"))
        XCTAssertEqual(refusal { $0.sources = ["/nonexistent/file.pcap"] },
                       .unreadableSource(path: "/nonexistent/file.pcap", reason: "no such file or directory"))
        XCTAssertEqual(refusal { $0.sources = ["folder:/nonexistent"] },
                       .unreadableSource(path: "/nonexistent", reason: "no such file or directory"))
        XCTAssertEqual(refusal { $0.destination = "nowhere" }, .invalidDestination("nowhere"))
        XCTAssertEqual(refusal { $0.metaType = "ja3-jl" }, .metaHeaderNeedsType254)
        XCTAssertEqual(refusal { $0.pinnedFingerprint = "abc"; $0.destination = "h:1" },
                       .invalidSetting(name: "--pin", value: "abc", why: "expected a SHA-256 fingerprint: 64 hex digits, ':' allowed"))
        XCTAssertEqual(refusal { $0.insecure = true; $0.caFile = "/etc/hostname" }, .conflictingTrust("use only one of --ca, --pin and --insecure"))
        // Every refusal message names what to fix.
        XCTAssertTrue("\(SensorConfigurationError.snaplenOutOfRange("0"))".contains("1…65535"))
        XCTAssertTrue("\(SensorConfigurationError.unknownType("x"))".contains("passivedns"))
    }

    func testSourceAndDestinationSpecs() throws {
        XCTAssertEqual(try SourceSpec.parse("stdin"), .standardInput)
        XCTAssertEqual(try SourceSpec.parse("tail:/var/log/x"), .tail("/var/log/x", fromStart: false))
        XCTAssertEqual(try SourceSpec.parse("interface:eth0"), .interface("eth0", filter: CaptureFilter()))
        XCTAssertEqual(try SourceSpec.parse("/tmp"), .folder("/tmp"))
        XCTAssertEqual(try DestinationSpec.parse("tcp://127.0.0.1:4000"), .tcp(host: "127.0.0.1", port: 4000))
        XCTAssertEqual(try DestinationSpec.parse("tls://d4.example.org:4443"), .tls(host: "d4.example.org", port: 4443))
        XCTAssertThrowsError(try DestinationSpec.parse("host:0"))
        XCTAssertEqual(try CaptureFilter(parsing: "tcp port 23 not port 22"),
                       CaptureFilter(ipProtocol: .tcp, port: 23, excludedPorts: [22]))
        XCTAssertThrowsError(try CaptureFilter(parsing: "port x"))
    }
}
