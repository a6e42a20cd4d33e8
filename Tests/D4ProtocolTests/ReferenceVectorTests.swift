import D4Protocol
import D4TestSupport
import Foundation
import NIOCore
import XCTest

/// The acceptance test of the codec: CIRCL's C client made these streams (shared/vectors).
final class ReferenceVectorTests: XCTestCase {
    func testEncodingEachInputGivesTheReferenceStreamByteForByte() throws {
        for vector in ReferenceVector.all {
            let uuid = try XCTUnwrap(UUID(uuidString: vector.uuid))
            let builder = try FrameBuilder(uuid: uuid, type: FrameType(vector.type), key: vector.key,
                                           maximumPayload: vector.snaplen)
            var produced: [UInt8] = []
            let input = try vector.inputBytes
            var offset = 0
            while offset < input.count {
                let chunk = min(vector.snaplen, input.count - offset)
                input[offset ..< offset + chunk].withUnsafeBytes {
                    produced += builder.frame(payload: $0, timestamp: ReferenceVector.timestamp)
                }
                offset += chunk
            }
            produced += builder.frame(payload: UnsafeRawBufferPointer(start: nil, count: 0), timestamp: ReferenceVector.timestamp)
            XCTAssertEqual(produced, try vector.stream, "\(vector.name) differs from the reference client's bytes")
        }
    }

    func testDecodingEachStreamGivesTheListedFramesWithValidHMACs() throws {
        for vector in ReferenceVector.all {
            let frames = try decodeAll(try vector.stream)
            let listed = try vector.listedFrames
            XCTAssertEqual(frames.count, listed.count, vector.name)
            let signer = try FrameSigner(key: vector.key)
            let otherKey = try FrameSigner(key: Array("another key".utf8))
            var offset = 0
            for (frame, expected) in zip(frames, listed) {
                XCTAssertEqual(offset, expected.offset, vector.name)
                XCTAssertEqual(frame.header.version, expected.version)
                XCTAssertEqual(frame.header.type.rawValue, expected.type)
                XCTAssertEqual(frame.header.uuid.uuidString.lowercased(), expected.uuid)
                XCTAssertEqual(frame.header.timestamp, expected.timestamp)
                XCTAssertEqual(Int(frame.header.size), expected.size)
                XCTAssertTrue(frame.header.hmac.hex.hasPrefix(expected.hmacPrefix), "\(vector.name) frame at \(offset)")
                XCTAssertTrue(frame.isAuthentic(with: signer), "\(vector.name) frame at \(offset) must verify")
                XCTAssertFalse(frame.isAuthentic(with: otherKey), "\(vector.name) frame at \(offset) must fail with another key")
                offset += FrameHeader.size + Int(frame.header.size)
            }
            let payloads = frames.flatMap { Array($0.payload.readableBytesView) }
            XCTAssertEqual(payloads, try vector.inputBytes, "\(vector.name): payloads must concatenate to the input")
            XCTAssertEqual(frames.last?.header.size, 0, "the reference ends every stream with an empty frame")
        }
    }

    func testEverySingleBitFlipBreaksAuthentication() throws {
        var generator = SeededGenerator(seed: 7)
        for vector in ReferenceVector.all {
            let stream = try vector.stream
            let signer = try FrameSigner(key: vector.key)
            let original = try decodeAll(stream)
            // Every bit of the small vectors; 3,000 random bits of the pcap one (87,568 bits).
            let bitCount = stream.count * 8
            let bits: [Int] = bitCount <= 10_000 ? Array(0 ..< bitCount) : (0 ..< 3_000).map { _ in Int.random(in: 0 ..< bitCount, using: &generator) }
            for bit in bits {
                var flipped = stream
                flipped[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
                let frames = (try? decodeAll(flipped, allowTrailing: true)) ?? []
                let allAuthentic = frames.allSatisfy { $0.isAuthentic(with: signer) }
                let sameFrames = frames.count == original.count
                XCTAssertFalse(allAuthentic && sameFrames, "\(vector.name): flipping bit \(bit) went unnoticed")
            }
        }
    }

    func testRandomCutsAlwaysGiveTheSameFrames() throws {
        for vector in ReferenceVector.all {
            let stream = try vector.stream
            let expected = try decodeAll(stream)
            var generator = SeededGenerator(seed: UInt64(stream.count))
            for pattern in 0 ..< 1_000 {
                var cuts = Set<Int>()
                let cutCount = Int.random(in: 1 ... 12, using: &generator)
                for _ in 0 ..< cutCount { cuts.insert(Int.random(in: 0 ... stream.count, using: &generator)) }
                let frames = try decodeChunked(stream, cuts: cuts.sorted())
                XCTAssertEqual(frames, expected, "\(vector.name): cut pattern \(pattern) \(cuts.sorted())")
            }
            let byteByByte = try decodeChunked(stream, cuts: Array(0 ... stream.count))
            XCTAssertEqual(byteByByte, expected, "\(vector.name): one byte at a time")
        }
    }

    func testManyFramesInOneBufferDecodeInOrder() throws {
        var stream: [UInt8] = []
        for vector in ReferenceVector.all { stream += try vector.stream }
        let frames = try decodeAll(stream)
        let listedCount = try ReferenceVector.all.reduce(0) { $0 + (try $1.listedFrames.count) }
        XCTAssertEqual(frames.count, listedCount)
    }

    // MARK: helpers

    private func decodeAll(_ bytes: [UInt8], allowTrailing: Bool = false) throws -> [Frame] {
        try decodeChunked(bytes, cuts: [], allowTrailing: allowTrailing)
    }

    private func decodeChunked(_ bytes: [UInt8], cuts: [Int], allowTrailing: Bool = false) throws -> [Frame] {
        let decoder = FrameDecoder()
        var buffer = ByteBuffer()
        var frames: [Frame] = []
        var start = 0
        for end in cuts + [bytes.count] where end >= start {
            buffer.writeBytes(bytes[start ..< end])
            start = end
            while let frame = try decoder.nextFrame(from: &buffer) { frames.append(frame) }
        }
        if !allowTrailing { XCTAssertEqual(buffer.readableBytes, 0, "bytes left over after the last frame") }
        return frames
    }
}
