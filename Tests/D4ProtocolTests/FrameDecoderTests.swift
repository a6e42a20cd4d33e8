import D4Protocol
import Foundation
import NIOCore
import XCTest

final class FrameDecoderTests: XCTestCase {
    private let uuid = UUID(uuidString: "3c7e5b2a-9f1d-4e8a-b6c4-2d5f8a1e9b07")!

    func testOversizedFrameIsRefusedAsSoonAsTheHeaderArrives() throws {
        let header = FrameHeader(type: .pcap, uuid: uuid, timestamp: 1, size: 2_000_000)
        var buffer = ByteBuffer(bytes: header.bytes)
        let decoder = FrameDecoder(maximumFrameSize: 1_000_000)
        XCTAssertThrowsError(try decoder.nextFrame(from: &buffer)) { error in
            XCTAssertEqual(error as? D4ProtocolError, .frameTooLarge(size: 2_000_000, limit: 1_000_000))
            XCTAssertTrue("\(error)".contains("2000000"), "message names the value: \(error)")
        }
    }

    func testHeaderFieldsRoundTripAndSizeIsLittleEndian() throws {
        let header = FrameHeader(version: 1, type: .passiveDNS, uuid: uuid, timestamp: 0x0102_0304_0506_0708, size: 0x0A0B_0C0D)
        let bytes = header.bytes
        XCTAssertEqual(bytes.count, 62)
        XCTAssertEqual(Array(bytes[18 ..< 26]), [8, 7, 6, 5, 4, 3, 2, 1])
        XCTAssertEqual(Array(bytes[58 ..< 62]), [0x0D, 0x0C, 0x0B, 0x0A])
        let decoded = try bytes.withUnsafeBytes { try FrameHeader(decoding: $0) }
        XCTAssertEqual(decoded, header)
    }

    func testIncompleteFrameWaitsForMoreBytes() throws {
        let builder = try FrameBuilder(uuid: uuid, type: .genericLog, key: Array("k".utf8), maximumPayload: 16)
        let frame = Array(Array("hello\n".utf8).withUnsafeBytes { builder.frame(payload: $0, timestamp: 5) })
        let decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: frame.dropLast())
        XCTAssertNil(try decoder.nextFrame(from: &buffer))
        XCTAssertEqual(buffer.readableBytes, frame.count - 1, "nothing consumed while incomplete")
        buffer.writeInteger(frame.last!)
        let decoded = try XCTUnwrap(try decoder.nextFrame(from: &buffer))
        XCTAssertEqual(String(buffer: decoded.payload), "hello\n")
    }

    func testEmptyKeyIsRefused() {
        XCTAssertThrowsError(try FrameSigner(key: [UInt8]())) { XCTAssertEqual($0 as? D4ProtocolError, .emptyKey) }
    }

    func testAuthenticationCodeComparison() {
        let a = [UInt8](repeating: 1, count: 32), b = [UInt8](repeating: 1, count: 31) + [2]
        let codeA = a.withUnsafeBytes { AuthenticationCode(copying: $0) }
        let codeB = b.withUnsafeBytes { AuthenticationCode(copying: $0) }
        XCTAssertTrue(codeA.matches(codeA))
        XCTAssertFalse(codeA.matches(codeB))
        XCTAssertEqual(codeA.hex, String(repeating: "01", count: 32))
    }

    func testVersion4Detection() {
        XCTAssertTrue(uuid.isVersion4)
        XCTAssertFalse(UUID(uuidString: "3c7e5b2a-9f1d-1e8a-b6c4-2d5f8a1e9b07")!.isVersion4, "version 1")
        XCTAssertFalse(UUID(uuidString: "3c7e5b2a-9f1d-4e8a-06c4-2d5f8a1e9b07")!.isVersion4, "NCS variant")
        XCTAssertEqual(uuid.compactHex, "3c7e5b2a9f1d4e8ab6c42d5f8a1e9b07")
    }
}
