import Foundation
import NIOSSL

/// The certificate chain and key a TLS server presents.
public struct ServerIdentity: Sendable {
    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey

    public init(certificatePath: String, keyPath: String) throws {
        do {
            certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSSetupError.unreadableFile(path: certificatePath, reason: "not a readable PEM certificate (\(error))")
        }
        do {
            privateKey = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSSetupError.unreadableFile(path: keyPath, reason: "not a readable PEM private key (\(error))")
        }
    }

    public init(selfSigned: SelfSignedCertificate) throws {
        certificateChain = [try NIOSSLCertificate(bytes: selfSigned.certificateDER, format: .der)]
        privateKey = try NIOSSLPrivateKey(bytes: Array(selfSigned.privateKeyPEM.utf8), format: .pem)
    }

    /// Loads `cert.pem`/`key.pem` from `directory`, generating a self-signed pair there on first use.
    /// Returns whether it generated one.
    public static func loadOrCreate(in directory: URL) throws -> (identity: ServerIdentity, created: Bool) {
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        var created = false
        if !FileManager.default.fileExists(atPath: certificate.path) || !FileManager.default.fileExists(atPath: key.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try SelfSignedCertificate().write(certificate: certificate, key: key)
            created = true
        }
        return (try ServerIdentity(certificatePath: certificate.path, keyPath: key.path), created)
    }

    /// SHA-256 fingerprint of the leaf certificate (what sensors pin).
    public var fingerprint: CertificateFingerprint {
        CertificateFingerprint(der: (try? certificateChain.first?.toDERBytes()) ?? [])
    }

    public func makeServerContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }
}
