/// Why the queue socket could not be served.
public enum QueueSocketServerError: Error, Equatable, CustomStringConvertible {
    case alreadyServing(path: String)
    case permissions(path: String, reason: String)

    public var description: String {
        switch self {
        case let .alreadyServing(path):
            "another process already serves queues at \(path): stop it, or give this server another data directory"
        case let .permissions(path, reason):
            "cannot restrict the permissions of \(path): \(reason)"
        }
    }
}
