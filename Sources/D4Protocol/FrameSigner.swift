import Crypto

/// Computes and checks the HMAC-SHA256 of D4 frames for one key.
///
/// HMAC = HMAC-SHA256(key, header with bytes 26..<58 zeroed ‖ payload). The keyed HMAC state is built
/// once; each frame starts from a copy of it, so no per-frame key setup and no allocation.
public struct FrameSigner: @unchecked Sendable {
    // HMAC<SHA256> is a value type without shared mutable state; the copy per frame is independent.
    private let keyed: HMAC<SHA256>

    /// - Throws: `D4ProtocolError.emptyKey` — the reference client signs with an empty key when its key
    ///   file is missing (defect 10); we refuse instead.
    public init(key: some Sequence<UInt8>) throws(D4ProtocolError) {
        let bytes = Array(key)
        guard !bytes.isEmpty else { throw .emptyKey }
        keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    private static let zeroHMAC = [UInt8](repeating: 0, count: AuthenticationCode.byteCount)

    /// The code for a frame whose 62 header bytes are `header` (its HMAC field is ignored) and whose
    /// payload is `payload`.
    public func authenticationCode(header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> AuthenticationCode {
        precondition(header.count >= FrameHeader.size, "header needs 62 bytes")
        var mac = keyed
        mac.update(data: UnsafeRawBufferPointer(rebasing: header[0 ..< FrameHeader.hmacRange.lowerBound]))
        Self.zeroHMAC.withUnsafeBytes { mac.update(data: $0) }
        mac.update(data: UnsafeRawBufferPointer(rebasing: header[FrameHeader.hmacRange.upperBound ..< FrameHeader.size]))
        if payload.count > 0 { mac.update(data: payload) }
        let code = mac.finalize()
        return code.withUnsafeBytes { AuthenticationCode(copying: $0) }
    }

    /// Fills the HMAC field of a complete frame held in `frame` (header followed by the payload).
    public func sign(frame: UnsafeMutableRawBufferPointer) {
        let readOnly = UnsafeRawBufferPointer(frame)
        let code = authenticationCode(header: readOnly,
                                      payload: UnsafeRawBufferPointer(rebasing: readOnly[FrameHeader.size...]))
        code.write(into: UnsafeMutableRawBufferPointer(rebasing: frame[FrameHeader.hmacRange]))
    }

    /// True when the HMAC field of `header` is the code of header+payload (constant-time compare).
    public func isValid(header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> Bool {
        let claimed = AuthenticationCode(copying: UnsafeRawBufferPointer(rebasing: header[FrameHeader.hmacRange]))
        return authenticationCode(header: header, payload: payload).matches(claimed)
    }
}
