import ArgumentParser
import D4Administration
import D4Analysis
import D4AnalysisService
import D4Archive
import D4Ingest
import D4Protocol
import D4Queues
import D4Sensor
import D4Store
import D4TLS
import D4Web
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import CSystemShims
import D4Basics

/// `d4 server`: receive D4 streams from sensors, check every frame, store the streams by type, feed
/// the analyzer queues and keep per-sensor statistics. Runs with no arguments on a fresh machine.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the D4 server (TLS ingest, admission rules, archive, analyzer queues).",
        discussion: """
        With no arguments: data in ./d4-data (SQLite store, stream archive, TLS certificate), D4 over
        TLS on [::]:4443 (IPv4 and IPv6), the REST API over HTTPS on [::]:7000 (same certificate; HTTP
        Basic authentication with the server's users; /metrics for Prometheus), a self-signed certificate
        made on first start, an admin user made on first start with a one-time password printed once.
        Every option can also be given as an environment variable: D4_DATA_DIR, D4_LISTEN, D4_MODE,
        D4_DEFAULT_KEY_FILE, D4_CERT, D4_KEY, D4_REPLAY_WINDOW, D4_MONITORED, D4_WEB_LISTEN,
        D4_WEB_PLAIN_HTTP=1.
        The built-in analyzer reads every pcap stream through the reserved queue "builtin-telescope" and
        keeps attacks (backscatter of DDoS attacks) and botnet counters in the store.
        Sensors connect with `d4 sensor -d HOST:4443 --pin <fingerprint printed at start>` (or --ca cert.pem).
        Manage sensors, blocklists, types and users with `d4 sensors`, `d4 blocklist`, `d4 types`, `d4 users`.
        Shut down with SIGINT/SIGTERM: open connections are closed, files closed and compressed.
        """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Addresses to listen on for D4, comma-separated (default [::]:4443, or 0.0.0.0:4443 without IPv6).")
    var listen: String?
    @Option(help: "Addresses for the REST API and /metrics, comma-separated (default [::]:7000, or 0.0.0.0:7000 without IPv6).")
    var webListen: String?
    @Flag(help: "Serve the REST API over plain HTTP instead of HTTPS: only on loopback or behind a TLS-terminating proxy.")
    var webPlainHTTP = false
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
    @Option(help: "gzip level of rotated archive files, 0 (store) … 9 (smallest). Default 1: level 6 costs about three times the CPU of level 1 and was the ingest bottleneck.")
    var compressionLevel: Int32 = 1
    @Option(help: "Delete archive files older than this many days (default: keep).") var retentionDays: Double?
    @Option(help: "Keep the archive under this many bytes, oldest deleted first (default: no limit).") var retentionBytes: Int?
    @Option(help: "Address space the sensors watch, CIDR list (e.g. 198.51.100.0/24,2001:db8::/48): attack rates are extrapolated from its size. Default: estimated from the destinations seen.")
    var monitored: String?
    @Flag(help: "Do not run the built-in telescope analyzer (attacks and botnet counters in the store).")
    var noLiveAnalysis = false
    @Flag(help: "Also run a demo sensor that replays a bundled sample capture into this server.") var demo = false
    @Flag(help: "Log more.") var verbose = false

    func run() async throws {
        lineBufferStandardOutput()  // start-up lines reach a pipe (scripts, tests) at once
        LogSetup.bootstrap(verbose: verbose)
        var logger = Logger(label: "d4.server")
        logger.logLevel = verbose ? .debug : .info
        let environment = ProcessInfo.processInfo.environment
        let store: any D4Store
        do { store = try data.openOrCreateStore() } catch { throw fail("server", error) }

        // Settings given on the command line are persisted, so management commands see them.
        do {
            try await ServerStartup(store: store).apply(try startSettings(environment: environment))
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

    /// --mode, --default-key-file and --replay-window (or their environment variables), checked.
    private func startSettings(environment: [String: String]) throws -> ServerStartup.StartSettings {
        var settings = ServerStartup.StartSettings()
        if let modeText = mode ?? environment["D4_MODE"] {
            guard let parsed = ServerMode(rawValue: modeText) else {
                throw ValidationError("--mode \"\(modeText)\": use shared-secret or registration")
            }
            settings.mode = parsed
        }
        if let keyFile = defaultKeyFile ?? environment["D4_DEFAULT_KEY_FILE"] {
            guard let bytes = FileManager.default.contents(atPath: keyFile) else { throw ValidationError("cannot read \(keyFile)") }
            settings.defaultKey = Data(ReferenceConfigDirectory.keyBytes(fromFileContent: [UInt8](bytes)))
        }
        settings.replayWindowSeconds = replayWindow ?? environment["D4_REPLAY_WINDOW"].flatMap(Int.init)
        return settings
    }

    private func serve(store: any D4Store, logger: Logger) async throws {
        // First, so a SIGTERM that arrives during start-up is a clean stop too, not a kill.
        d4_install_stop_handlers()
        let environment = ProcessInfo.processInfo.environment
        let identity: ServerIdentity
        if let certPath = cert ?? environment["D4_CERT"], let keyPath = key ?? environment["D4_KEY"] {
            identity = try ServerIdentity(certificatePath: certPath, keyPath: keyPath)
        } else {
            let (loaded, created) = try ServerIdentity.loadOrCreate(in: data.url.appendingPathComponent("tls"))
            if created { print("made a self-signed TLS certificate: \(data.url.appendingPathComponent("tls/cert.pem").path)") }
            identity = loaded
        }
        let bootstrap = ServerStartup(store: store)
        if let admin = try await bootstrap.ensureAdminAccount() {
            print("""
            made the admin account — shown once, write it down:
              user: \(admin.name)   password: \(admin.oneTimePassword)   (must be changed at first login; `d4 users passwd \(admin.name)`)
            """)
        }

        let archiveRoot = data.url.appendingPathComponent("archive")
        guard (0 ... 9).contains(compressionLevel) else {
            throw ValidationError("--compression-level \(compressionLevel): use 0 (no compression) to 9 (smallest files)")
        }
        let archive = ArchiveConfiguration(root: archiveRoot, rotationInterval: rotateSeconds, rotationBytes: rotateBytes,
                                           compressionLevel: compressionLevel)
        let recovery = try ArchiveRecovery.finishInterruptedWork(configuration: archive)
        if !recovery.compressed.isEmpty { logger.info("compressed \(recovery.compressed.count) files left open by an earlier stop") }

        let demoFolder = demo ? try await prepareDemo(bootstrap) : nil
        let liveAnalysis = !noLiveAnalysis
        _ = try await bootstrap.reconcileBuiltinQueues(running: liveAnalysis ? [LiveAnalyzer.builtinQueueDefinition()] : [],
                                                       reserved: [LiveAnalyzer.builtinQueueName])
        let queues = QueueHub(specs: try await store.queues().compactMap(QueueSpec.init(definition:)))
        // Subscribed before ingest starts, so that the analyzer sees every session from its first frame.
        var analyzer: LiveAnalyzer?
        if liveAnalysis {
            queues.reserve(LiveAnalyzer.builtinQueueName)
            let space = try (monitored ?? environment["D4_MONITORED"]).map { text in
                do { return try MonitoredSpace(parsing: text) } catch { throw ValidationError("--monitored: \(error)") }
            }
            let configuration = LiveAnalyzerConfiguration(
                analysis: TelescopeAnalyzer.Configuration(classifier: ClassifierConfiguration(monitored: space)))
            let live = try LiveAnalyzer(hub: queues, store: store, configuration: configuration, logger: logger)
            await live.start()
            analyzer = live
        }
        let listen = try listenAddresses()
        let group = MultiThreadedEventLoopGroup.singleton
        let metrics = D4Metrics()
        metrics.bootstrapMetricsSystem()
        let plainHTTP = webPlainHTTP || environment["D4_WEB_PLAIN_HTTP"] == "1"
        let web = try await WebServer.start(
            configuration: WebConfiguration(listen: try webListenAddresses(), transport: plainHTTP ? .plainHTTP : .https(identity)),
            store: store, queues: queues, metrics: metrics, logger: logger)
        let ingestConfiguration = IngestConfiguration(listen: listen, statisticsObserver: { perType in
            metrics.record(batch: perType.map { D4Metrics.AcceptedTraffic(type: $0.key, frames: Int($0.value.frames), bytes: Int($0.value.bytes)) })
        })
        let server = try await IngestServer.start(configuration: ingestConfiguration, identity: identity, store: store,
                                                  archive: archive, queues: queues, group: group, logger: logger)
        let runDirectory = data.url.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let socketPath = runDirectory.appendingPathComponent("queues.sock").path
        try? FileManager.default.removeItem(atPath: socketPath)
        let queueSocket = try await QueueSocketServer.start(path: socketPath, hub: queues, group: group)

        print("D4 server listening on \(server.boundAddresses.map(Self.describe).joined(separator: ", ")) (TLS)")
        print("certificate SHA-256 fingerprint: \(identity.fingerprint)   (sensors: --pin \(identity.fingerprint))")
        print("data: \(data.url.path) (store d4.sqlite, archive/, tls/); analyzer queues: \(socketPath)")
        print("REST API: \(web.urls(scheme: plainHTTP ? "http" : "https").map { $0 + "/api/v1" }.joined(separator: ", ")) (HTTP Basic, the server's users); metrics: /metrics")
        print("mode: \(try await store.settings().mode.rawValue); built-in analysis: \(liveAnalysis ? "on (attacks and botnet counters in the store)" : "off")")

        // The group stops its services in reverse order: the stop-signal watcher and the loops first,
        // then the web API, ingest (in-flight frames finish, files close), the queue socket, and last the
        // built-in analyzer (it flushes attacks and counters to the store).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let analyzer {
            // Stopped after ingest: the end markers of the last sessions are queued by then.
            services.append(.init(service: RunningPart(name: "built-in analyzer") { await analyzer.stop() }))
        }
        services += [
            .init(service: queueSocket),
            .init(service: RunningPart(name: "ingest") {
                print("shutting down: closing connections and files…")
                await server.shutdown()
            }),
            .init(service: web),
        ]
        if retentionDays != nil || retentionBytes != nil {
            let retention = ArchiveRetention(maxAge: retentionDays.map { $0 * 86400 }, maxTotalBytes: retentionBytes)
            let stop = StopSignal()
            services.append(.init(service: BackgroundLoop(name: "retention", body: {
                while !stop.isStopped {
                    for deleted in (try? retention.enforce(configuration: archive, now: Date())) ?? [] {
                        logger.info("retention: deleted \(deleted.path)")
                    }
                    for _ in 0 ..< 300 where !stop.isStopped { try? await Task.sleep(for: .milliseconds(200)) }
                }
            }, onShutdown: { stop.stop() })))
        }
        if let demoFolder {
            let stop = StopSignal()
            let port = server.boundAddresses.first?.port ?? 4443
            services.append(.init(service: BackgroundLoop(name: "demo sensor", body: {
                await runDemoSensor(folder: demoFolder, port: port, fingerprint: identity.fingerprint, stop: stop, logger: logger)
            }, onShutdown: { stop.stop() })))
        }
        let gaugeStop = StopSignal()
        services.append(.init(service: BackgroundLoop(name: "connection gauge", body: {
            while !gaugeStop.isStopped {
                metrics.setConnectionsOpen(server.connectionCount)
                try? await Task.sleep(for: .seconds(1))
            }
        }, onShutdown: { gaugeStop.stop() })))
        services.append(.init(service: StopSignalWatcher(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup))
        let lifecycle = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
        try await lifecycle.run()
        archive.compressor?.waitUntilIdle()
        print("stopped cleanly")
    }

    private func webListenAddresses() throws -> [ListenAddress] {
        try Self.addresses(webListen ?? ProcessInfo.processInfo.environment["D4_WEB_LISTEN"], option: "--web-listen", defaultPort: 7000)
    }

    private func listenAddresses() throws -> [ListenAddress] {
        try Self.addresses(listen ?? ProcessInfo.processInfo.environment["D4_LISTEN"], option: "--listen", defaultPort: 4443)
    }

    /// A comma-separated list of HOST:PORT; by default every interface: dual stack when the machine has
    /// IPv6, else IPv4 only.
    private static func addresses(_ text: String?, option: String, defaultPort: Int) throws -> [ListenAddress] {
        guard let text else { return [ListenAddress(host: hasIPv6 ? "::" : "0.0.0.0", port: defaultPort)] }
        return try text.split(separator: ",").map { part in
            guard let address = ListenAddress(parsing: part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option) \"\(part)\": use HOST:PORT, [IPv6]:PORT or :PORT")
            }
            return address
        }
    }

    private static var hasIPv6: Bool {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        close(probe)
        return true
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static let demoUUID = UUID(uuidString: "d4d4d4d4-0000-4000-8000-00000000de30")!
    private static let demoKey = Array("demo sensor key — not for production".utf8)

    /// Registers the demo sensor before the server admits anyone; returns the folder of its captures.
    private func prepareDemo(_ bootstrap: ServerStartup) async throws -> URL {
        try await bootstrap.registerBuiltinSensor(uuid: Self.demoUUID, key: Data(Self.demoKey), description: "demo sensor (d4 server --demo)")
        let folder = data.url.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// One minute of a /16 telescope starting at `start`: background scans, Mirai and Netis probes, a few
    /// malformed packets, and the backscatter of three attacks (SYN flood, ICMP unreachable, RST) that
    /// go on minute after minute, so they open after a minute and grow while the demo runs.
    static func demoMinute(start: Double, minute: UInt64) -> TelescopeScenario {
        let victims: [(UInt32, TelescopeScenario.AttackPlan.Response, UInt16)] = [
            (0xCB00_710A, .synAck, 443), (0xC000_0214, .icmpPortUnreachable, 53), (0xCB00_711E, .rst, 80)]
        return TelescopeScenario(
            seed: minute &+ 1, start: start, duration: 60, backgroundRate: 20, scannerPoolSize: 2000, miraiRate: 5,
            miraiPoolSize: 300, netisRate: 1, netisPoolSize: 40, malformedRate: 0.1,
            attacks: victims.map { victim in
                .init(victim: victim.0, response: victim.1, victimPort: victim.2, start: 0, duration: 60, rate: 30)
            })
    }

    /// The demo: a sensor inside this process streams a freshly generated minute of telescope traffic
    /// (packet times from now on) to this server, once a minute.
    private func runDemoSensor(folder: URL, port: Int, fingerprint: CertificateFingerprint, stop: StopSignal, logger: Logger) async {
        print("demo sensor \(Self.demoUUID.uuidString.lowercased()) sends a generated minute of telescope traffic every minute")
        var settings = SensorSettings(uuid: Self.demoUUID, key: Self.demoKey, type: .pcap, snaplen: 65535)
        settings.destination = .tls(host: "127.0.0.1", port: port)
        settings.trust = .pinned(fingerprint)
        settings.stateDirectory = folder.appendingPathComponent("state")
        var quiet = logger
        quiet.logLevel = .warning
        let sample = folder.appendingPathComponent("minute.pcap")
        var minute: UInt64 = 0
        do {
            while !stop.isStopped {
                let started = ContinuousClock.now
                var generator = TelescopeTrafficGenerator(scenario: Self.demoMinute(start: Date().timeIntervalSince1970.rounded(.down), minute: minute))
                try Data(generator.captureBytes()).write(to: sample)
                minute &+= 1
                let runner = SensorRunner(settings: settings, logger: quiet)
                _ = try await runner.runToNetwork(source: try FileSequenceSource(paths: [sample.path], mergePcapFiles: true),
                                                  group: MultiThreadedEventLoopGroup.singleton)
                while !stop.isStopped, ContinuousClock.now - started < .seconds(60) { try await Task.sleep(for: .milliseconds(200)) }
            }
        } catch {
            logger.error("demo sensor stopped: \(error)")
        }
    }
}
