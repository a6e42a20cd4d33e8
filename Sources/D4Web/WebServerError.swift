/// Why the web server could not start, in words an operator can act on.
public enum WebServerError: Error, CustomStringConvertible, Sendable {
    case noListenAddress
    case stoppedBeforeListening
    case tlsSetup(String)

    public var description: String {
        switch self {
        case .noListenAddress: "the web server has no address to listen on (--web-listen)"
        case .stoppedBeforeListening: "the web server stopped before it was listening"
        case let .tlsSetup(reason): "the web server cannot use the TLS certificate: \(reason)"
        }
    }
}
