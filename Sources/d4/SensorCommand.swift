import ArgumentParser
import CSystemShims
import D4Protocol
import D4Sensor
import Foundation
import Logging
import NIOPosix

/// `d4 sensor`: read bytes, cut them into signed D4 frames, stream them to a server (or stdout).
struct SensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor",
        abstract: "Stream data to a D4 server as signed D4 frames.",
        discussion: """
        Settings come from flags, else from a config directory in the reference C client's format
        (-c DIR: files uuid, key, type, snaplen, version, source, destination; the key file's last
        newline is not part of the key). Flags win.

        Sources: stdin (default), FILE..., folder:DIR (each new file once, remembered across
        restarts), tail:FILE (follow a growing log, survives rotation), interface:NAME (live capture,
        needs root or CAP_NET_RAW; --filter "tcp port 23").
        Destinations: stdout (writes the D4 stream, like the reference client), HOST:PORT (TLS),
        tcp://HOST:PORT (plain TCP).

        While the server is unreachable, frames are spooled on disk (--state-dir) and sent in order
        after reconnecting; reconnects back off exponentially with jitter.

        Examples:
          d4 sensor -c conf.sensor < capture.pcap > stream.d4
          tcpdump -w - -i eth0 | d4 sensor --uuid $(uuidgen -r) --key-file key -d d4.example.org:4443 --ca ca.pem
          d4 sensor --uuid ... --key-file key --type passivedns tail:/var/log/pdns.log -d server:4443 --pin AB:CD:...
        """)

    @Option(name: [.short, .customLong("config")], help: "Reference client config directory.")
    var config: String?
    @Option(help: "Sensor UUID (version 4).") var uuid: String?
    @Option(help: "HMAC key (prefer --key-file: command lines are visible to other users).") var key: String?
    @Option(help: "File holding the HMAC key (its last newline is dropped).") var keyFile: String?
    @Option(name: [.short, .long], help: "Frame type: number or name (pcap, log, dnscap, ndjson, passivedns, extended…).")
    var type: String?
    @Option(help: "Largest payload per frame, 1…65535 (default 4096).") var snaplen: String?
    @Option(name: .customLong("protocol-version"), help: "D4 protocol version (only 1).") var protocolVersion: String?
    @Option(name: [.short, .customLong("destination")], help: "stdout, HOST:PORT (TLS) or tcp://HOST:PORT.")
    var destination: String?
    @Argument(help: "Sources: stdin, FILE..., folder:DIR, tail:FILE or interface:NAME.") var sources: [String] = []
    @Option(help: "Type 254: file holding the meta header JSON sent first on every connection.") var metaHeader: String?
    @Option(help: "Type 254: shorthand for a meta header {\"type\":NAME}.") var metaType: String?
    @Option(help: "Verify the server against the CA certificates in this PEM file.") var ca: String?
    @Option(help: "Pin the server certificate's SHA-256 fingerprint (self-signed servers).") var pin: String?
    @Flag(help: "Do not verify the server at all (anyone on the path can read and alter the stream).") var insecure = false
    @Option(help: "Folder for the spool and the folder source's memory (default ./d4-sensor-state).") var stateDir: String?
    @Option(help: "Largest spool on disk, in bytes (default 1 GiB).") var spoolMaxBytes: Int?
    @Option(help: "When the spool is full: block (pause the source) or drop-oldest (counted).") var spoolFull: String = "block"
    @Option(help: "Live capture filter: [tcp|udp|icmp] [port N] [not port N]…") var filter: String?
    @Flag(help: "tail: start at the beginning of the file instead of its end.") var fromStart = false
    @Option(help: "Smallest reconnect delay in seconds (default 1).") var reconnectMin: Double = 1
    @Option(help: "Largest reconnect delay in seconds (default 60).") var reconnectMax: Double = 60
    @Option(help: ArgumentHelp("Use this frame timestamp instead of the clock (tests).", visibility: .hidden))
    var fixedTimestamp: UInt64?
    @Flag(help: "Log more.") var verbose = false

    func run() async throws {
        var inputs = SensorSettings.Inputs()
        inputs.configDirectory = config
        inputs.uuid = uuid
        inputs.key = key.map { Array($0.utf8) }
        inputs.keyFile = keyFile
        inputs.type = type
        inputs.snaplen = snaplen
        inputs.version = protocolVersion
        inputs.sources = sources
        inputs.destination = destination
        inputs.metaHeaderFile = metaHeader
        inputs.metaType = metaType
        inputs.caFile = ca
        inputs.pinnedFingerprint = pin
        inputs.insecure = insecure
        inputs.stateDirectory = stateDir
        inputs.filter = filter
        inputs.tailFromStart = fromStart
        var settings: SensorSettings
        do {
            settings = try SensorSettings.resolve(inputs)
            guard let policy = FrameSpool.FullPolicy(rawValue: spoolFull) else {
                throw SensorConfigurationError.invalidSetting(name: "--spool-full", value: spoolFull, why: "use block or drop-oldest")
            }
            guard reconnectMin > 0, reconnectMax >= reconnectMin else {
                throw SensorConfigurationError.invalidSetting(name: "--reconnect-min/--reconnect-max", value: "\(reconnectMin)/\(reconnectMax)",
                                                              why: "need 0 < min ≤ max")
            }
            settings.spoolPolicy = policy
            if let spoolMaxBytes { settings.spoolMaximumBytes = spoolMaxBytes }
            settings.backoff = ReconnectBackoff(minimum: .milliseconds(Int64(reconnectMin * 1000)), maximum: .milliseconds(Int64(reconnectMax * 1000)))
            settings.fixedTimestamp = fixedTimestamp
        } catch {
            throw fail("sensor", error)
        }
        LogSetup.bootstrap(verbose: verbose)
        var logger = Logger(label: "d4.sensor")
        logger.logLevel = verbose ? .debug : .info
        if insecure {
            logger.warning("--insecure: the server is NOT verified; anyone on the path can read and alter the stream")
        }
        let runner = SensorRunner(settings: settings, logger: logger)
        let source: ByteSource
        do { source = try runner.makeSource() } catch { throw fail("sensor", error) }
        // Polling sources and the network uplink stop cleanly on SIGINT/SIGTERM (the uplink spools
        // what is queued); a plain stdin-to-stdout run keeps the default: the signal ends it.
        let stopsCleanly: Bool
        switch (settings.source, settings.destination) {
        case (_, .tls), (_, .tcp), (.folder, _), (.tail, _), (.interface, _): stopsCleanly = true
        default: stopsCleanly = false
        }
        let signals = stopsCleanly ? installStopSignals(runner.stop) : nil
        defer { signals?.cancel() }
        do {
            switch settings.destination {
            case .standardOutput:
                _ = try runner.runToDescriptor(STDOUT_FILENO, source: source)
            case .tls, .tcp:
                let report = try await runner.runToNetwork(source: source, group: MultiThreadedEventLoopGroup.singleton)
                if let uplink = report.uplink {
                    logger.info("done", metadata: ["frames": "\(uplink.framesSent)", "bytes": "\(uplink.bytesSent)",
                                                   "connections": "\(uplink.connections)", "left_in_spool": "\(uplink.framesLeftInSpool)",
                                                   "dropped": "\(uplink.framesDroppedBySpool)"])
                    if uplink.framesLeftInSpool > 0 {
                        printError("d4 sensor: \(uplink.framesLeftInSpool) frames are still in the spool; they are sent on the next start")
                    }
                }
            }
        } catch {
            throw fail("sensor", error)
        }
    }
}

/// SIGINT/SIGTERM ask the sensor or server to stop cleanly instead of dying: a C handler counts the
/// signal, a task turns the count into `stop`. Cancel the returned task when done.
func installStopSignals(_ stop: StopSignal) -> Task<Void, Never> {
    d4_install_stop_handlers()
    return Task.detached {
        while !Task.isCancelled {
            if d4_stop_signals_received() > 0 {
                stop.stop()
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
