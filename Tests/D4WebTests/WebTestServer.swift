import AsyncHTTPClient
import D4Basics
@testable import D4Store
import D4Queues
import D4StoreSQLite
import D4TLS
@testable import D4Web
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import XCTest

/// A real web server for one test: HTTPS on 127.0.0.1 with a fresh self-signed certificate, a real
/// SQLite store in a temporary directory, a live queue hub, and an HTTPS client that trusts only that
/// certificate.
final class WebTestServer: @unchecked Sendable {
    static let user = "alice"
    static let password = "correct horse battery staple"
    static let newAdmin = "admin"
    static let newAdminPassword = "one-time password 42"

    let directory: URL
    let store: SQLiteStore
    let queues: QueueHub
    let metrics: D4Metrics
    let server: WebServer
    let client: HTTPClient
    let baseURL: String

    private init(directory: URL, store: SQLiteStore, queues: QueueHub, metrics: D4Metrics, server: WebServer,
                 client: HTTPClient, baseURL: String) {
        self.directory = directory
        self.store = store
        self.queues = queues
        self.metrics = metrics
        self.server = server
        self.client = client
        self.baseURL = baseURL
    }

    static func start(queueSpecs: [QueueSpec] = [], plainHTTP: Bool = false,
                      configure: (inout WebConfiguration) -> Void = { _ in }) async throws -> WebTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("d4web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Few PBKDF2 iterations: debug builds would spend seconds per verification otherwise.
        let store = try SQLiteStore(path: directory.appendingPathComponent("d4.sqlite").path, passwordIterations: 1_000)
        try await store.addUser(name: user, password: password, role: "user")
        try await store.addUser(name: newAdmin, password: newAdminPassword, role: "admin", mustChangePassword: true)
        for spec in queueSpecs {
            try await store.defineQueue(QueueDefinition(name: spec.name, type: Int(spec.type), metaType: spec.metaType,
                                                        sensors: Array(spec.sensors), capacity: spec.capacity,
                                                        dropPolicy: spec.dropPolicy.rawValue))
        }
        let queues = QueueHub(specs: queueSpecs)
        let metrics = D4Metrics()
        let certificate = try SelfSignedCertificate()
        let transport: WebTransport = plainHTTP ? .plainHTTP : .https(try ServerIdentity(selfSigned: certificate))
        var logger = Logger(label: "d4.web.test")
        logger.logLevel = .warning
        var configuration = WebConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0)], transport: transport)
        configure(&configuration)
        let server = try await WebServer.start(
            configuration: configuration,
            store: store, queues: queues, metrics: metrics, logger: logger)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: certificate.certificateDER, format: .der)])
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        let port = server.boundAddresses.first?.port ?? 0
        return WebTestServer(directory: directory, store: store, queues: queues, metrics: metrics, server: server,
                             client: client, baseURL: "\(transport.scheme)://127.0.0.1:\(port)")
    }

    func stop() async {
        try? await client.shutdown()
        await server.shutdown()
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: body)
            guard let dictionary = object as? [String: Any] else {
                throw NotAJSONObject(text: text)
            }
            return dictionary
        }
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    func request(_ path: String, authorization: String? = basic(user, password)) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return request
    }

    func get(_ path: String, authorization: String? = basic(user, password), method: HTTPMethod = .GET) async throws -> Answer {
        var request = request(path, authorization: authorization)
        request.method = method
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: response.status, headers: response.headers, body: Data(buffer: body))
    }

    /// Opens `GET /api/v1/queues/QUEUE/stream?format=FORMAT` and returns once the head arrived.
    func openStream(_ queue: String, format: String) async throws -> HTTPClientResponse {
        try await client.execute(request("/api/v1/queues/\(queue)/stream?format=\(format)"), timeout: .hours(1))
    }

    /// Waits (up to a generous limit) until `condition` holds: for state the server reaches
    /// asynchronously, e.g. a consumer that left after its client disconnected.
    func waitUntil(_ description: String, _ condition: () -> Bool) async throws {
        for _ in 0..<2_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("timed out waiting until \(description)")
    }
}

struct NotAJSONObject: Error {
    let text: String
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.withUnsafeReadableBytes { Data($0) }
    }
}

/// Runs `body` against a fresh server and always stops the server afterwards.
func withWebServer(queueSpecs: [QueueSpec] = [], plainHTTP: Bool = false,
                   configure: (inout WebConfiguration) -> Void = { _ in },
                   _ body: (WebTestServer) async throws -> Void) async throws {
    let server = try await WebTestServer.start(queueSpecs: queueSpecs, plainHTTP: plainHTTP, configure: configure)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
