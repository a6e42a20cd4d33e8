import Crypto
import Foundation

/// PBKDF2-HMAC-SHA256 password hashing, stored as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`.
/// The iteration count travels with the hash, so raising the default later keeps old hashes valid.
public enum PasswordHasher {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 210_000
    static let scheme = "pbkdf2-sha256"
    static let saltBytes = 16
    static let hashBytes = 32
    /// Refuse absurd counts from a damaged database instead of spinning for hours.
    static let maxIterations = 10_000_000

    public static func hash(_ password: String, iterations: Int = defaultIterations) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let derived = derive(password: password, salt: salt, iterations: iterations)
        return "\(scheme)$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Constant-time check of `password` against a stored hash. Throws only if `stored` is malformed.
    public static func verify(_ password: String, against stored: String) throws(StoreError) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme,
              let iterations = Int(parts[1]), (1...maxIterations).contains(iterations),
              let salt = Data(base64Encoded: String(parts[2])), !salt.isEmpty,
              let expected = Data(base64Encoded: String(parts[3])), expected.count == hashBytes else {
            throw .corruptData("a password hash is not in the \(scheme)$iterations$salt$hash form")
        }
        let derived = derive(password: password, salt: Array(salt), iterations: iterations)
        var difference: UInt8 = 0
        for (a, b) in zip(derived, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// A well-formed hash no password matches (all-zero derived key), costing a real verification:
    /// checked when the user is unknown so that timing does not tell which user names exist.
    package static func decoy(iterations: Int) -> String {
        "\(scheme)$\(iterations)$\(Data(count: saltBytes).base64EncodedString())$\(Data(count: hashBytes).base64EncodedString())"
    }

    /// Runs the slow KDF on a dispatch thread: tenths of a second of CPU must not hold one of the few
    /// cooperative threads that also serve connections.
    package static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256, one 32-byte block: T = U1 ^ U2 ^ … ^ Uc.
    package static func derive(password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        // The keyed HMAC state is computed once and copied per iteration (saves two block hashes each).
        let keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(password.utf8)))
        var first = keyed
        first.update(data: salt + [0, 0, 0, 1])
        var u = [UInt8](repeating: 0, count: hashBytes)
        copy(first.finalize(), into: &u)
        var t = u
        var round = 1
        while round < iterations {
            var mac = keyed
            u.withUnsafeBytes { mac.update(data: $0) }
            copy(mac.finalize(), into: &u)
            for index in 0..<hashBytes { t[index] ^= u[index] }
            round += 1
        }
        return t
    }

    private static func copy(_ code: HMAC<SHA256>.MAC, into buffer: inout [UInt8]) {
        code.withUnsafeBytes { source in
            buffer.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix($0.count))) }
        }
    }
}
