@testable import D4Ingest
import D4Protocol
import Foundation
import NIOCore
import NIOEmbedded
import XCTest

/// The server's frame cutter: every cut of the stream gives the same frames, frames inside one read
/// are not copied, and bad or unfinished frames surface as errors.
final class FrameAssemblerTests: XCTestCase {
    private let key = Array("assembler test key".utf8)

    /// Three signed frames of different sizes (one empty), back to back, and their payloads.
    private func stream() throws -> (bytes: [UInt8], payloads: [[UInt8]]) {
        let payloads: [[UInt8]] = [Array(0 ..< 200).map { UInt8($0) }, [], Array(repeating: 0xAB, count: 5_000)]
        let builder = try FrameBuilder(uuid: UUID(), type: .pcap, key: key, maximumPayload: 5_000)
        var bytes: [UInt8] = []
        for payload in payloads {
            bytes += payload.withUnsafeBytes { Array(builder.frame(payload: $0, timestamp: 1_700_000_000)) }
        }
        return (bytes, payloads)
    }

    /// Feeds `reads` one by one and returns the frames that came out.
    private func frames(from reads: [[UInt8]], maximumFrameSize: Int = 1_000_000) throws -> [Frame] {
        let channel = EmbeddedChannel(handler: FrameAssembler(maximumFrameSize: maximumFrameSize))
        var out: [Frame] = []
        for read in reads {
            try channel.writeInbound(ByteBuffer(bytes: read))
            while let frame = try channel.readInbound(as: Frame.self) { out.append(frame) }
        }
        _ = try channel.finish()
        return out
    }

    private func assertFrames(_ frames: [Frame], carry payloads: [[UInt8]], _ message: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(frames.map { Array($0.payload.readableBytesView) }, payloads, message, file: file, line: line)
        let signer = try FrameSigner(key: key)
        XCTAssertTrue(frames.allSatisfy { $0.isAuthentic(with: signer) }, "HMAC of re-assembled frames: \(message)", file: file, line: line)
    }

    func testEveryCutGivesTheSameFrames() throws {
        let (bytes, payloads) = try stream()
        try assertFrames(try frames(from: [bytes]), carry: payloads, "whole")
        for cut in 1 ..< bytes.count {
            let reads = [Array(bytes[..<cut]), Array(bytes[cut...])]
            try assertFrames(try frames(from: reads), carry: payloads, "cut at \(cut)")
        }
        try assertFrames(try frames(from: bytes.map { [$0] }), carry: payloads, "byte by byte")
    }

    /// The frames of one read are slices of one copy (contiguous, in stream order), and none of
    /// them points into the read's own buffer (the TLS layer's, which must stay unshared).
    func testFramesOfOneReadShareOneCopyAndLeaveTheReadBufferAlone() throws {
        let (bytes, payloads) = try stream()
        let channel = EmbeddedChannel(handler: FrameAssembler(maximumFrameSize: 1_000_000))
        let read = ByteBuffer(bytes: bytes)
        let readStart = read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        try channel.writeInbound(read)
        var frames: [Frame] = []
        while let frame = try channel.readInbound(as: Frame.self) { frames.append(frame) }
        XCTAssertEqual(frames.count, payloads.count)
        let headerStarts = frames.map { $0.rawHeader.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }
        for (index, frame) in frames.enumerated().dropLast() {
            XCTAssertEqual(headerStarts[index + 1], headerStarts[index] + UInt(FrameHeader.size + frame.payload.readableBytes),
                           "frame \(index + 1) is not right after frame \(index) in one buffer")
        }
        for start in headerStarts {
            XCTAssertFalse(start >= readStart && start < readStart + UInt(bytes.count), "a frame points into the read buffer")
        }
        _ = try channel.finish()
    }

    func testOversizedFrameIsRefusedBeforeItsPayload() throws {
        let (bytes, _) = try stream()
        let channel = EmbeddedChannel(handler: FrameAssembler(maximumFrameSize: 1_000))
        // The third frame (5,000 bytes) is over the limit; only its header is sent.
        let thirdStart = 2 * FrameHeader.size + 200
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(bytes: bytes[..<(thirdStart + FrameHeader.size)]))) { error in
            XCTAssertEqual(error as? D4ProtocolError, .frameTooLarge(size: 5_000, limit: 1_000))
        }
        XCTAssertEqual(try channel.readInbound(as: Frame.self)?.payload.readableBytes, 200)
        XCTAssertEqual(try channel.readInbound(as: Frame.self)?.payload.readableBytes, 0)
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        // Nothing after the refusal is decoded.
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        _ = try? channel.finish()
    }

    func testConnectionEndingInsideAFrameSaysHowManyBytesWereDropped() throws {
        let (bytes, _) = try stream()
        let channel = EmbeddedChannel(handler: FrameAssembler(maximumFrameSize: 1_000_000))
        try channel.writeInbound(ByteBuffer(bytes: bytes[..<(bytes.count - 10)]))
        XCTAssertEqual(try channel.readInbound(as: Frame.self)?.payload.readableBytes, 200)
        XCTAssertEqual(try channel.readInbound(as: Frame.self)?.payload.readableBytes, 0)
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        channel.pipeline.fireChannelInactive()
        XCTAssertThrowsError(try channel.throwIfErrorCaught()) { error in
            XCTAssertEqual((error as? FrameAssembler.TruncatedFrameAtEnd)?.bytes, FrameHeader.size + 5_000 - 10)
        }
        _ = try? channel.finish()
    }
}
