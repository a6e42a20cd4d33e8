/// The three classes every packet at a telescope falls into.
public enum TrafficClass: String, Codable, Sendable, CaseIterable {
    /// Replies of a host that received packets spoofed with a monitored address (a DoS victim).
    case backscatter
    /// Unsolicited probes: lone SYN, stealth-scan flag patterns, UDP probes, ping sweeps, botnet scanning.
    case scan
    /// Anything else (non-first fragments, unknown protocols, misdirected replies, …).
    case other
}
