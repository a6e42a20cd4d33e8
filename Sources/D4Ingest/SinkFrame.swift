import D4Protocol

/// One accepted frame on its way to the archive.
struct SinkFrame {
    var frame: Frame
    /// True when the HMAC is still to be checked (by the sink); false when the event loop checked it.
    var needsAuthentication: Bool
}
