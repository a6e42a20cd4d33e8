import Crypto

/// SHA-256 of a certificate's DER encoding, as used to pin a server's certificate.
public struct CertificateFingerprint: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(der: [UInt8]) {
        bytes = Array(SHA256.hash(data: der))
    }

    /// Parses 64 hex digits, with or without `:` separators, optionally prefixed by `sha256:`.
    public init?(parsing text: String) {
        var digits = text.lowercased()
        if digits.hasPrefix("sha256:") { digits.removeFirst(7) }
        digits.removeAll { $0 == ":" || $0 == " " }
        guard digits.count == 64 else { return nil }
        var result: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index ..< next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        bytes = result
    }

    /// `AB:CD:…`, the form `openssl x509 -fingerprint -sha256` prints.
    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
