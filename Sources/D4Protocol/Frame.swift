import NIOCore

/// One decoded frame: its header and its payload as a slice of the receive buffer (no copy).
public struct Frame: Sendable, Hashable {
    public var header: FrameHeader
    public var payload: ByteBuffer
    /// The 62 header bytes exactly as received (needed to check the HMAC over the received bytes).
    public var rawHeader: ByteBuffer

    public init(header: FrameHeader, payload: ByteBuffer, rawHeader: ByteBuffer) {
        self.header = header
        self.payload = payload
        self.rawHeader = rawHeader
    }

    /// Checks this frame's HMAC with `signer` (constant-time).
    public func isAuthentic(with signer: FrameSigner) -> Bool {
        rawHeader.withUnsafeReadableBytes { header in
            payload.withUnsafeReadableBytes { body in signer.isValid(header: header, payload: body) }
        }
    }
}
