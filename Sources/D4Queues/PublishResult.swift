/// The answer of `QueueHub.publish`.
public enum PublishResult: Sendable, Equatable {
    /// Every matching queue took the frame, or dropped it by its configured (and counted) policy; also
    /// the answer when no queue wants the frame.
    case accepted
    /// A matching `block` queue with a consumer is full. No queue took the frame (all or nothing, so a
    /// retry never duplicates it): stop reading the connection, await `waitForSpace`, publish again.
    case full
}
