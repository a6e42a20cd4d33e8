import Crypto
import D4Basics
import Foundation
import SwiftASN1
import X509

/// A certificate and key made on the spot: the server's default identity on first start, and the
/// identity of test servers. P-256 ECDSA, valid for ten years, names localhost/127.0.0.1/::1 by default.
public struct SelfSignedCertificate: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    public let certificateDER: [UInt8]

    public init(commonName: String = "d4-server", dnsNames: [String] = ["localhost"],
                ipAddresses: [String] = ["127.0.0.1", "::1"], validityDays: Int = 3650) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("D4 sensor network")
        }
        var alternativeNames: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            guard let bytes = IPAddress(address)?.bytes else { throw TLSSetupError.invalidAddress(address) }
            alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let now = Date()
        let extensions = try Certificate.Extensions {
            // Marked as its own authority (path length 0), like `openssl req -x509` does, so a sensor can
            // trust it either by fingerprint (--pin) or as a CA file (--ca cert.pem).
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectAlternativeNames(alternativeNames)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        certificateDER = serializer.serializedBytes
        certificatePEM = try certificate.serializeAsPEM().pemString
        privateKeyPEM = key.pemRepresentation
    }

    public var fingerprint: CertificateFingerprint { CertificateFingerprint(der: certificateDER) }

    /// Writes `cert.pem` and `key.pem` (mode 0600) into `directory`.
    public func write(certificate certificatePath: URL, key keyPath: URL) throws {
        try Data(certificatePEM.utf8).write(to: certificatePath, options: .atomic)
        try Data(privateKeyPEM.utf8).write(to: keyPath, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath.path)
    }
}
