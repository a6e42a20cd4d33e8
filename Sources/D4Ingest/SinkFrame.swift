import NIOCore

/// One accepted frame on its way to the archive.
struct SinkFrame {
    var payload: ByteBuffer
    /// The 62 received header bytes when the HMAC is still to be checked (by the sink); nil when
    /// the event loop checked it already.
    var uncheckedHeader: ByteBuffer?
}
