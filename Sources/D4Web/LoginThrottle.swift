/// The rules against password guessing, as a value without I/O or clock of its own (the caller passes
/// `now`), so each rule has a test: once `freeFailures` logins from one source address, or for one
/// user name, have failed, further attempts of that address or name are refused without checking the
/// password, for a back-off that doubles with every further failure (`firstBackoff` … `maximumBackoff`).
/// A success clears the user's and the address's record. At most `capacity` addresses and names are
/// remembered (the least recently failed forgotten first), so the table itself cannot be flooded.
struct LoginThrottle: Sendable {
    struct Configuration: Sendable {
        var freeFailures = 5
        var firstBackoff: Duration = .seconds(1)
        var maximumBackoff: Duration = .seconds(300)
        /// A record without failures for this long is forgotten.
        var forgetAfter: Duration = .seconds(900)
        var capacity = 10_000
    }

    enum Decision: Equatable, Sendable {
        case check
        /// Refused without checking: retry after this long. `subject` says whether the address or
        /// the user name is throttled (for the log line).
        case refuse(retryAfter: Duration, subject: Subject)
    }

    enum Subject: Equatable, Sendable { case address, user }

    private struct Record: Sendable {
        var failures: Int
        var lastFailure: ContinuousClock.Instant
        var blockedUntil: ContinuousClock.Instant?
    }

    private enum Key: Hashable, Sendable {
        case address(String)
        case user(String)
    }

    let configuration: Configuration
    private var records: [Key: Record] = [:]

    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// May this attempt have its password checked?
    mutating func decide(address: String, user: String, now: ContinuousClock.Instant) -> Decision {
        for (key, subject) in [(Key.address(address), Subject.address), (.user(user), .user)] {
            guard let record = records[key] else { continue }
            if now - record.lastFailure > configuration.forgetAfter {
                records[key] = nil
                continue
            }
            if let until = record.blockedUntil, until > now {
                return .refuse(retryAfter: until - now, subject: subject)
            }
        }
        return .check
    }

    /// A password check failed: both the address and the name take a failure.
    mutating func failed(address: String, user: String, now: ContinuousClock.Instant) {
        for key in [Key.address(address), .user(user)] {
            var record = records[key] ?? Record(failures: 0, lastFailure: now, blockedUntil: nil)
            record.failures += 1
            record.lastFailure = now
            let over = record.failures - configuration.freeFailures + 1
            if over > 0 {
                // 1 s, 2 s, 4 s, … capped: doubling stops before it could overflow.
                let doublings = min(over - 1, 30)
                let backoff = min(configuration.firstBackoff * (1 << doublings), configuration.maximumBackoff)
                record.blockedUntil = now + backoff
            }
            records[key] = record
        }
        if records.count > configuration.capacity { forgetOldest(now: now) }
    }

    /// A password check succeeded: the user's and the address's failures are forgiven.
    mutating func succeeded(address: String, user: String) {
        records[.address(address)] = nil
        records[.user(user)] = nil
    }

    /// How many addresses and names are remembered.
    var count: Int { records.count }

    private mutating func forgetOldest(now: ContinuousClock.Instant) {
        records = records.filter { now - $0.value.lastFailure <= configuration.forgetAfter }
        guard records.count > configuration.capacity else { return }
        let excess = records.count - configuration.capacity
        for key in records.sorted(by: { $0.value.lastFailure < $1.value.lastFailure }).prefix(excess).map(\.key) {
            records[key] = nil
        }
    }
}
