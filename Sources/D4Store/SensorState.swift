/// Administrative state of a sensor.
///
/// In `registration` mode only `approved` sensors are admitted; in `shared-secret` mode only `blocked` refuses.
public enum SensorState: String, Codable, Sendable, CaseIterable {
    case pending
    case approved
    case blocked
}
