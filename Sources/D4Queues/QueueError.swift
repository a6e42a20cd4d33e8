/// Errors of the queue hub, its socket and its client, each with a message an operator can act on.
public enum QueueError: Error, Equatable, CustomStringConvertible {
    /// No queue has this name; `known` lists the names that exist.
    case unknownQueue(name: String, known: [String])
    /// The queue feeds an analyzer inside the server; consuming it would take its items away.
    case reservedQueue(name: String)
    /// A socket client sent something that is not `CONSUME <name> <format>` or `LIST`.
    case badRequest(String)
    /// Nothing listens at the socket path.
    case serverNotRunning(path: String)
    /// The server answered `ERR <reason>`.
    case server(String)
    /// The byte stream from the server is not in the announced format.
    case malformedStream(String)

    public var description: String {
        switch self {
        case let .unknownQueue(name, known):
            let list = known.isEmpty ? "no queues are defined" : "known queues: \(known.joined(separator: ", "))"
            return "unknown queue \"\(name)\" (\(list))"
        case let .reservedQueue(name):
            return "queue \"\(name)\" feeds the server's built-in analyzer and cannot be consumed from outside "
                + "(consumers of one queue share its items); define a queue of your own, e.g. "
                + "`d4 queue define my-pcap --type 1`"
        case let .badRequest(reason):
            return "bad request: \(reason)"
        case let .serverNotRunning(path):
            return "no server socket at \(path): is `d4 server` running?"
        case let .server(reason):
            return "server: \(reason)"
        case let .malformedStream(reason):
            return "malformed stream from the server: \(reason)"
        }
    }
}
