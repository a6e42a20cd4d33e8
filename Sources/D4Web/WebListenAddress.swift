/// A host and port the web server binds: `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces,
/// dual-stack `[::]`). Same syntax as the ingest's `--listen`; kept here so D4Web does not depend on
/// D4Ingest.
public struct WebListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "::" }
        self.init(host: host, port: port)
    }

    /// `[::]:7000`: every IPv4 and IPv6 interface (Linux binds `::` dual-stack).
    public static let defaultDualStack = WebListenAddress(host: "::", port: 7000)

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
