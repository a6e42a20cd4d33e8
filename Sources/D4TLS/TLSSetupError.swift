/// Problems with certificates, keys or TLS settings, stated so an operator can fix them.
public enum TLSSetupError: Error, CustomStringConvertible, Sendable {
    case invalidAddress(String)
    case unreadableFile(path: String, reason: String)
    case invalidFingerprint(String)
    case fingerprintMismatch(expected: CertificateFingerprint, presented: CertificateFingerprint)
    case noPeerCertificate
    case closedDuringHandshake

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            return "\"\(text)\" is not an IPv4 or IPv6 address"
        case .unreadableFile(let path, let reason):
            return "cannot use \(path): \(reason)"
        case .invalidFingerprint(let text):
            return "\"\(text)\" is not a SHA-256 fingerprint (64 hex digits, ':' separators allowed)"
        case .fingerprintMismatch(let expected, let presented):
            return "server certificate fingerprint \(presented) does not match the pinned \(expected)"
        case .noPeerCertificate:
            return "the server presented no certificate"
        case .closedDuringHandshake:
            return "the connection closed before the TLS handshake completed"
        }
    }
}
