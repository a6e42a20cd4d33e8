/// How the server decides which sensors may connect.
public enum ServerMode: String, Codable, Sendable, CaseIterable {
    /// Any version-4 UUID is admitted; the HMAC key is the sensor's own key if set, else the server's default key.
    case sharedSecret = "shared-secret"
    /// Only sensors an administrator approved are admitted.
    case registration
}
