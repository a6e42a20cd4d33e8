import Foundation

/// One refused connection, kept in a bounded log (the newest `StoreLimits.admissionFailureLog`)
/// so that refusals of UUIDs the store does not know are visible without growing without bound.
public struct AdmissionFailure: Codable, Sendable, Hashable {
    public var sensor: UUID?
    public var sourceIP: String?
    public var reason: String
    public var at: Date

    public init(sensor: UUID?, sourceIP: String?, reason: String, at: Date) {
        self.sensor = sensor
        self.sourceIP = sourceIP
        self.reason = reason
        self.at = at
    }
}
