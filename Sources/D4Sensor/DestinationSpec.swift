/// Where the sensor sends its D4 stream.
public enum DestinationSpec: Sendable, Equatable {
    case standardOutput
    case tls(host: String, port: Int)
    case tcp(host: String, port: Int)

    /// Parses `stdout`, `-`, `HOST:PORT` (TLS), `[IPv6]:PORT`, `tls://HOST:PORT`, `tcp://HOST:PORT`.
    public static func parse(_ text: String) throws(SensorConfigurationError) -> DestinationSpec {
        if text == "stdout" || text == "-" { return .standardOutput }
        var rest = Substring(text)
        var secure = true
        if rest.hasPrefix("tls://") { rest = rest.dropFirst(6) } else if rest.hasPrefix("tcp://") {
            rest = rest.dropFirst(6)
            secure = false
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1 ... 65535).contains(port) else { throw .invalidDestination(text) }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("/") else { throw .invalidDestination(text) }
        return secure ? .tls(host: String(host), port: port) : .tcp(host: String(host), port: port)
    }

    public var port: Int? {
        switch self {
        case .standardOutput: return nil
        case .tls(_, let port), .tcp(_, let port): return port
        }
    }
}
