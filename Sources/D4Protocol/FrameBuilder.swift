import Foundation

/// Builds signed frames in one reusable buffer: the caller fills the payload area (e.g. with a
/// `read(2)` straight into it), then `finish` writes header and HMAC in place. No copy of the payload,
/// no allocation per frame: this is the sensor's hot path.
public struct FrameBuilder: ~Copyable {
    public let uuid: UUID
    public let type: FrameType
    public let version: UInt8
    public let maximumPayload: Int
    private let signer: FrameSigner
    private let storage: UnsafeMutableRawBufferPointer

    public init(uuid: UUID, type: FrameType, key: some Sequence<UInt8>, maximumPayload: Int,
                version: UInt8 = FrameHeader.currentVersion) throws(D4ProtocolError) {
        self.uuid = uuid
        self.type = type
        self.version = version
        self.maximumPayload = maximumPayload
        self.signer = try FrameSigner(key: key)
        self.storage = .allocate(byteCount: FrameHeader.size + maximumPayload, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Where the next payload goes (`maximumPayload` bytes).
    public var payloadArea: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[FrameHeader.size...])
    }

    /// Completes a frame whose first `payloadCount` bytes of `payloadArea` are filled; returns the
    /// whole frame (valid until the next call).
    public func finish(payloadCount: Int, timestamp: UInt64, type: FrameType? = nil) -> UnsafeRawBufferPointer {
        precondition(payloadCount >= 0 && payloadCount <= maximumPayload, "payload over the builder's capacity")
        let frame = UnsafeMutableRawBufferPointer(rebasing: storage[0 ..< FrameHeader.size + payloadCount])
        FrameHeader(version: version, type: type ?? self.type, uuid: uuid, timestamp: timestamp,
                    size: UInt32(payloadCount)).encode(into: frame)
        signer.sign(frame: frame)
        return UnsafeRawBufferPointer(frame)
    }

    /// Copies `payload` into the payload area and completes the frame.
    public func frame(payload: UnsafeRawBufferPointer, timestamp: UInt64, type: FrameType? = nil) -> UnsafeRawBufferPointer {
        precondition(payload.count <= maximumPayload, "payload over the builder's capacity")
        if let base = payload.baseAddress, payload.count > 0 {
            payloadArea.baseAddress!.copyMemory(from: base, byteCount: payload.count)
        }
        return finish(payloadCount: payload.count, timestamp: timestamp, type: type)
    }
}
