import D4TLS

/// How the web server talks to clients. HTTPS with the server's D4 certificate is the default; plain
/// HTTP sends passwords in clear text, so it is only for a loopback address or behind a reverse proxy
/// that terminates TLS, and must be asked for explicitly.
public enum WebTransport: Sendable {
    case https(ServerIdentity)
    case plainHTTP

    public var scheme: String {
        switch self {
        case .https: "https"
        case .plainHTTP: "http"
        }
    }
}
