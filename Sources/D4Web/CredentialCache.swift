import Crypto
import D4Store
import Foundation
import NIOConcurrencyHelpers

/// Remembers recent successful password checks, so a script polling the API does not pay a PBKDF2
/// derivation (tenths of a second by design) per request.
///
/// Keyed by SHA-256 of user and password: the password itself is never kept, and a changed password
/// (or user) misses the cache and is verified against the store again. Entries expire after
/// `lifetime`; at most `capacity` are kept, the oldest forgotten first. Failed checks are never
/// cached: each one costs a full derivation, which is what slows password guessing down.
final class CredentialCache: Sendable {
    private struct Entry {
        var user: UserRecord
        var expires: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let capacity: Int
    private let entries = NIOLockedValueBox<[SHA256Digest: Entry]>([:])

    init(lifetime: Duration, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    static func key(user: String, password: String) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(data: Data(user.utf8))
        hasher.update(data: [0])  // separator: ("ab","c") and ("a","bc") must differ
        hasher.update(data: Data(password.utf8))
        return hasher.finalize()
    }

    func user(for key: SHA256Digest, now: ContinuousClock.Instant = .now) -> UserRecord? {
        entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expires > now else {
                entries[key] = nil
                return nil
            }
            return entry.user
        }
    }

    func remember(_ user: UserRecord, for key: SHA256Digest, now: ContinuousClock.Instant = .now) {
        entries.withLockedValue { entries in
            if entries.count >= capacity && entries[key] == nil {
                entries = entries.filter { $0.value.expires > now }
                // Still full of live entries: forget the one that expires first (the oldest).
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expires < $1.value.expires }) {
                    entries[oldest.key] = nil
                }
            }
            entries[key] = Entry(user: user, expires: now + lifetime)
        }
    }

    var count: Int { entries.withLockedValue { $0.count } }
}
