/// Bounds every store keeps, whatever its driver (part of the `D4Store` contract).
public enum StoreLimits {
    /// Entries kept in the admission-failure log (the newest).
    public static let admissionFailureLog = 1_000
    /// Source IPs kept per sensor (the most recent).
    public static let sourceIPsPerSensor = 16
}
