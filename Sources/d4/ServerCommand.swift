import ArgumentParser
import D4Analysis
import D4Archive
import D4Ingest
import D4Protocol
import D4Queues
import D4Sensor
import D4Store
import D4TLS
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `d4 server`: receive D4 streams from sensors, check every frame, store the streams by type, feed
/// the analyzer queues and keep per-sensor statistics. Runs with no arguments on a fresh machine.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the D4 server (TLS ingest, admission rules, archive, analyzer queues).",
        discussion: """
        With no arguments: data in ./d4-data (SQLite store, stream archive, TLS certificate), D4 over
        TLS on [::]:4443 (IPv4 and IPv6), a self-signed certificate made on first start, an admin user
        made on first start with a one-time password printed once.
        Every option can also be given as an environment variable: D4_DATA_DIR, D4_LISTEN, D4_MODE,
        D4_DEFAULT_KEY_FILE, D4_CERT, D4_KEY, D4_REPLAY_WINDOW.
        Sensors connect with `d4 sensor -d HOST:4443 --pin <fingerprint printed at start>` (or --ca cert.pem).
        Manage sensors, blocklists, types and users with `d4 sensors`, `d4 blocklist`, `d4 types`, `d4 users`.
        Shut down with SIGINT/SIGTERM: open connections are closed, files closed and compressed.
        """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Addresses to listen on for D4, comma-separated (default [::]:4443, or 0.0.0.0:4443 without IPv6).")
    var listen: String?
    @Option(help: "shared-secret (any v4 UUID, its own key or the default key) or registration (approved sensors only).")
    var mode: String?
    @Option(help: "File holding the server's default key for shared-secret mode (its last newline is dropped).")
    var defaultKeyFile: String?
    @Option(help: "TLS certificate chain (PEM). Default: DATA/tls/cert.pem, made on first start.") var cert: String?
    @Option(help: "TLS private key (PEM). Default: DATA/tls/key.pem.") var key: String?
    @Option(help: "Reject frames whose timestamp is further than this many seconds from the server clock (0 = off, for replaying old captures).")
    var replayWindow: Int?
    @Option(help: "Rotate archive files after this many seconds (default 300).") var rotateSeconds: Double = 300
    @Option(help: "Rotate archive files after this many bytes (default 100000000).") var rotateBytes: Int = 100_000_000
    @Option(help: "Delete archive files older than this many days (default: keep).") var retentionDays: Double?
    @Option(help: "Keep the archive under this many bytes, oldest deleted first (default: no limit).") var retentionBytes: Int?
    @Flag(help: "Also run a demo sensor that replays a bundled sample capture into this server.") var demo = false
    @Flag(help: "Log more.") var verbose = false

    func run() async throws {
        lineBufferStandardOutput()  // start-up lines reach a pipe (scripts, tests) at once
        var logger = Logger(label: "d4.server")
        logger.logLevel = verbose ? .debug : .info
        let environment = ProcessInfo.processInfo.environment
        let store: SQLiteStore
        do { store = try data.openOrCreateStore() } catch { throw fail("server", error) }

        // Settings given on the command line are persisted, so management commands see them.
        do {
            let modeText = mode ?? environment["D4_MODE"]
            let keyFile = defaultKeyFile ?? environment["D4_DEFAULT_KEY_FILE"]
            let window = replayWindow ?? environment["D4_REPLAY_WINDOW"].flatMap(Int.init)
            var chosenMode: ServerMode?
            if let modeText {
                guard let parsed = ServerMode(rawValue: modeText) else {
                    throw ValidationError("--mode \"\(modeText)\": use shared-secret or registration")
                }
                chosenMode = parsed
            }
            var defaultKey: Data?
            if let keyFile {
                guard let bytes = FileManager.default.contents(atPath: keyFile) else { throw ValidationError("cannot read \(keyFile)") }
                defaultKey = Data(ReferenceConfigDirectory.keyBytes(fromFileContent: [UInt8](bytes)))
            }
            _ = try await store.updateSettings { settings in
                if let chosenMode { settings.mode = chosenMode }
                if let defaultKey { settings.defaultKey = defaultKey }
                if let window { settings.replayWindowSeconds = window }
            }
        } catch {
            throw fail("server", error)
        }

        do {
            try await serve(store: store, logger: logger)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail("server", error)
        }
    }

    private func serve(store: SQLiteStore, logger: Logger) async throws {
        // First, so a SIGTERM that arrives during start-up is a clean stop too, not a kill.
        let stop = StopSignal()
        let signals = installStopSignals(stop)
        defer { signals.cancel() }
        let environment = ProcessInfo.processInfo.environment
        let identity: ServerIdentity
        if let certPath = cert ?? environment["D4_CERT"], let keyPath = key ?? environment["D4_KEY"] {
            identity = try ServerIdentity(certificatePath: certPath, keyPath: keyPath)
        } else {
            let (loaded, created) = try ServerIdentity.loadOrCreate(in: data.url.appendingPathComponent("tls"))
            if created { print("made a self-signed TLS certificate: \(data.url.appendingPathComponent("tls/cert.pem").path)") }
            identity = loaded
        }
        if try await store.users().isEmpty {
            let password = Self.oneTimePassword()
            try await store.addUser(name: "admin", password: password, role: "admin", mustChangePassword: true)
            print("""
            made the admin account — shown once, write it down:
              user: admin   password: \(password)   (must be changed at first login; `d4 users passwd admin`)
            """)
        }

        let archiveRoot = data.url.appendingPathComponent("archive")
        let archive = ArchiveConfiguration(root: archiveRoot, rotationInterval: rotateSeconds, rotationBytes: rotateBytes)
        let recovery = try ArchiveRecovery.finishInterruptedWork(configuration: archive)
        if !recovery.compressed.isEmpty { logger.info("compressed \(recovery.compressed.count) files left open by an earlier stop") }

        let demoSample = demo ? try await prepareDemo(store: store) : nil
        let queues = QueueHub(specs: try await store.queues().compactMap(QueueSpec.init(definition:)))
        let listen = try listenAddresses()
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await IngestServer.start(configuration: IngestConfiguration(listen: listen), identity: identity, store: store,
                                                  archive: archive, queues: queues, group: group, logger: logger)
        let runDirectory = data.url.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let socketPath = runDirectory.appendingPathComponent("queues.sock").path
        try? FileManager.default.removeItem(atPath: socketPath)
        let queueSocket = try await QueueSocketServer.start(path: socketPath, hub: queues, group: group)

        print("D4 server listening on \(server.boundAddresses.map(Self.describe).joined(separator: ", ")) (TLS)")
        print("certificate SHA-256 fingerprint: \(identity.fingerprint)   (sensors: --pin \(identity.fingerprint))")
        print("data: \(data.url.path) (store d4.sqlite, archive/, tls/); analyzer queues: \(socketPath)")
        print("mode: \(try await store.settings().mode.rawValue); web UI and REST API: not part of this version yet")

        let demoTask = demoSample.map { sample in
            Task { await runDemoSensor(sample: sample, port: server.boundAddresses.first?.port ?? 4443,
                                       fingerprint: identity.fingerprint, stop: stop, logger: logger) }
        }
        var lastRetention = ContinuousClock.now - .seconds(3600)
        let retention = ArchiveRetention(maxAge: retentionDays.map { $0 * 86400 }, maxTotalBytes: retentionBytes)
        while !stop.isStopped {
            try? await Task.sleep(for: .milliseconds(200))
            if retentionDays != nil || retentionBytes != nil, ContinuousClock.now - lastRetention > .seconds(60) {
                lastRetention = .now
                for deleted in (try? retention.enforce(configuration: archive, now: Date())) ?? [] {
                    logger.info("retention: deleted \(deleted.path)")
                }
            }
        }
        print("shutting down: closing connections and files…")
        await demoTask?.value
        await server.shutdown()
        try? await queueSocket.close()
        archive.compressor?.waitUntilIdle()
        print("stopped cleanly")
    }

    private func listenAddresses() throws -> [ListenAddress] {
        if let text = listen ?? ProcessInfo.processInfo.environment["D4_LISTEN"] {
            return try text.split(separator: ",").map { part in
                guard let address = ListenAddress(parsing: part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--listen \"\(part)\": use HOST:PORT, [IPv6]:PORT or :PORT")
                }
                return address
            }
        }
        // Dual stack when the machine has IPv6, else IPv4 only.
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        if probe >= 0 { close(probe); return [ListenAddress(host: "::", port: 4443)] }
        return [ListenAddress(host: "0.0.0.0", port: 4443)]
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0 ..< 20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private static let demoUUID = UUID(uuidString: "d4d4d4d4-0000-4000-8000-00000000de30")!
    private static let demoKey = Array("demo sensor key — not for production".utf8)

    /// Registers the demo sensor and writes its sample capture, before the server admits anyone.
    private func prepareDemo(store: SQLiteStore) async throws -> URL {
        try await store.upsertSensor(SensorRecord(uuid: Self.demoUUID, key: Data(Self.demoKey), state: .approved,
                                                  description: "demo sensor (d4 server --demo)"))
        let sample = data.url.appendingPathComponent("demo/sample.pcap")
        try FileManager.default.createDirectory(at: sample.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Ten minutes of a /16 telescope: background scans, Mirai and Netis probes, a few malformed
        // packets, and the backscatter of three attacks (SYN flood, ICMP unreachable, RST).
        let victims: [(UInt32, TelescopeScenario.AttackPlan.Response, UInt16)] = [
            (0xCB00_710A, .synAck, 443), (0xC000_0214, .icmpPortUnreachable, 53), (0xCB00_711E, .rst, 80)]
        let scenario = TelescopeScenario(
            duration: 600, backgroundRate: 20, scannerPoolSize: 2000, miraiRate: 5, miraiPoolSize: 300, netisRate: 1,
            netisPoolSize: 40, malformedRate: 0.1,
            attacks: victims.enumerated().map { index, victim in
                .init(victim: victim.0, response: victim.1, victimPort: victim.2, start: Double(60 + index * 90), duration: 300, rate: 30)
            })
        var generator = TelescopeTrafficGenerator(scenario: scenario)
        try Data(generator.captureBytes()).write(to: sample)
        return sample
    }

    /// The demo: a sensor inside this process streams the generated telescope capture to this server
    /// once a minute.
    private func runDemoSensor(sample: URL, port: Int, fingerprint: CertificateFingerprint, stop: StopSignal, logger: Logger) async {
        print("demo sensor \(Self.demoUUID.uuidString.lowercased()) replays \(sample.path) into this server every minute")
        var settings = SensorSettings(uuid: Self.demoUUID, key: Self.demoKey, type: .pcap, snaplen: 65535)
        settings.destination = .tls(host: "127.0.0.1", port: port)
        settings.trust = .pinned(fingerprint)
        settings.stateDirectory = data.url.appendingPathComponent("demo/state")
        var quiet = logger
        quiet.logLevel = .warning
        do {
            while !stop.isStopped {
                let runner = SensorRunner(settings: settings, logger: quiet)
                _ = try await runner.runToNetwork(source: try FileSequenceSource(paths: [sample.path], mergePcapFiles: true),
                                                  group: MultiThreadedEventLoopGroup.singleton)
                for _ in 0 ..< 300 where !stop.isStopped { try await Task.sleep(for: .milliseconds(200)) }
            }
        } catch {
            logger.error("demo sensor stopped: \(error)")
        }
    }
}
