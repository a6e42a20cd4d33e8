import D4Basics
import NIOCore
import NIOSSL

/// How a sensor decides to trust the server it streams to.
public enum ServerTrust: Sendable, Equatable {
    /// Verify the chain against the CA certificates in this PEM file (and the host name).
    case certificateAuthority(path: String)
    /// Accept exactly the certificate with this SHA-256 fingerprint (self-signed servers).
    case pinned(CertificateFingerprint)
    /// The system's trusted CAs.
    case system
    /// No verification at all: anyone on the path can read and alter the stream.
    case insecure

    /// A TLS client context and, for pinning, the verification callback to install on the handler.
    public func makeClientContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch self {
        case .certificateAuthority(let path):
            configuration.trustRoots = .file(path)
        case .pinned:
            // Verification happens in `verifyPinned`; the CA chain of a self-signed cert cannot verify.
            configuration.certificateVerification = .noHostnameVerification
        case .system:
            configuration.trustRoots = .default
        case .insecure:
            configuration.certificateVerification = .none
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// A handler for a new connection to `hostname`.
    public func makeClientHandler(context: NIOSSLContext, hostname: String?) throws -> NIOSSLClientHandler {
        // SNI must not be an IP address.
        let serverName = hostname.flatMap { IPAddress($0) == nil ? $0 : nil }
        switch self {
        case .pinned(let expected):
            return try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
                guard let leaf = certificates.first, let der = try? leaf.toDERBytes() else {
                    promise.succeed(.failed)
                    return
                }
                promise.succeed(CertificateFingerprint(der: der) == expected ? .certificateVerified : .failed)
            }
        default:
            return try NIOSSLClientHandler(context: context, serverHostname: serverName)
        }
    }
}
