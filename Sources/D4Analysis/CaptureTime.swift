/// Capture timestamps are seconds since the epoch as `Double`. They come from files, so they can be
/// anything; these helpers keep arithmetic on them from trapping.
enum CaptureTime {
    /// Largest magnitude accepted (about 35 million years): beyond it a timestamp is corrupt.
    static let limit: Double = 1e15

    /// `time` when it is a plausible timestamp, else `fallback`.
    @inline(__always)
    static func sanitized(_ time: Double, fallback: Double) -> Double {
        time.isFinite && abs(time) < limit ? time : (fallback.isFinite ? fallback : 0)
    }

    /// Whole seconds (floor) without trapping on out-of-range values.
    @inline(__always)
    static func floorSeconds(_ time: Double) -> Int64 {
        time.isFinite && abs(time) < limit ? Int64(time.rounded(.down)) : 0
    }
}
