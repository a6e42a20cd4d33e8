// swift-tools-version:6.0
import PackageDescription

// One package, one `d4` binary; library modules follow the pipeline stages (see README "Layout").
let package = Package(
    name: "d4",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "d4", targets: ["d4"]),
        .library(name: "D4Protocol", targets: ["D4Protocol"]),
        .library(name: "PacketCapture", targets: ["PacketCapture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Tests only: an HTTPS client for the web API tests.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // zlib from the system (zlib1g-dev): gzip for pcap input and archive rotation.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Value types every stage shares: IP addresses and networks, listen addresses, UTC civil dates.
        .target(name: "D4Basics"),
        // What analyzers find, with their one JSON form: attacks, botnet-capacity periods.
        .target(name: "D4Results", dependencies: ["D4Basics"]),

        // AF_PACKET socket setup for live capture (structures Swift's Glibc does not export).
        .target(name: "CSystemShims"),
        // Wire format: frame header, types, meta header, signer/verifier, streaming decoder.
        .target(name: "D4Protocol", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // pcap/pcapng reading and writing, zero-copy packet dissection. No libpcap.
        .target(name: "PacketCapture", dependencies: ["CZlib", "D4Basics"]),
        // Backscatter classification, attack tracking, botnet-capacity counters, reports.
        .target(name: "D4Analysis", dependencies: ["PacketCapture", "D4Basics", "D4Results"]),
        // Per-type stream files on disk: pcap re-assembly with rotation and gzip, line-exact text.
        .target(name: "D4Archive", dependencies: ["CZlib", "CSystemShims", "PacketCapture"]),
        // The store contract: the `D4Store` protocol, its records, validation and password hashing.
        .target(name: "D4Store", dependencies: [
            "D4Basics", "D4Results",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The embedded store: one SQLite file (GRDB). The only module that imports GRDB.
        .target(name: "D4StoreSQLite", dependencies: [
            "D4Store", "D4Basics", "D4Results",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Opens a store from its location (`sqlite:PATH`): the one place that knows every driver.
        .target(name: "D4StoreFactory", dependencies: ["D4Store", "D4StoreSQLite"]),
        // Named, bounded analyzer queues fed by ingest; external consumers over a Unix socket.
        .target(name: "D4Queues", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The server's built-in telescope analyzer: type-1 queue → TelescopeAnalyzer → store.
        .target(name: "D4AnalysisService", dependencies: [
            "D4Analysis", "D4Queues", "D4Store", "D4Results", "PacketCapture",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The server's front: TLS listener, per-connection rules, archive and queue hand-off, statistics.
        .target(name: "D4Ingest", dependencies: [
            "D4Protocol", "D4Store", "D4Archive", "D4Queues", "D4TLS", "D4Basics",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The server's HTTP side: JSON API (Basic auth), /metrics, analyzer-queue streams over HTTPS.
        .target(name: "D4Web", dependencies: [
            "D4Store", "D4Administration", "D4Queues", "D4TLS", "D4Basics", "D4Results",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // TLS helpers shared by sensor and server: self-signed certificates, pinning, contexts.
        .target(name: "D4TLS", dependencies: [
            "D4Basics",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The administrator's use cases over any store (sensors, blocklist, types, users, queues, server
        // start-up), returning what they did: the CLI, the REST API and the web UI call these.
        .target(name: "D4Administration", dependencies: ["D4Store", "D4Protocol", "D4Basics"]),
        // The sensor: sources, framing, destinations, reconnect, spool.
        .target(name: "D4Sensor", dependencies: [
            "D4Protocol", "D4TLS", "PacketCapture", "CSystemShims",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "d4", dependencies: [
            "D4Protocol", "D4Sensor", "D4TLS", "PacketCapture", "CSystemShims", "D4Analysis", "D4Archive", "D4Store",
            "D4StoreFactory", "D4Administration", "D4Queues", "D4Ingest", "D4AnalysisService", "D4Web", "D4Basics", "D4Results",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),

        // Shared by the test targets: locating ../shared, the reference vectors, seeded randomness.
        .target(name: "D4TestSupport", path: "Tests/D4TestSupport"),
        .testTarget(name: "D4BasicsTests", dependencies: ["D4Basics"]),
        .testTarget(name: "D4ProtocolTests", dependencies: ["D4Protocol", "D4TestSupport"]),
        .testTarget(name: "PacketCaptureTests", dependencies: ["PacketCapture", "D4Basics", "D4TestSupport"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "D4AnalysisTests", dependencies: ["D4Analysis", "PacketCapture", "D4Basics", "D4Results", "D4TestSupport"]),
        .testTarget(name: "D4ArchiveTests", dependencies: ["D4Archive", "PacketCapture", "D4TestSupport"]),
        // The store contract suite, run on every driver the factory knows (today: SQLite).
        .testTarget(name: "D4StoreTests", dependencies: [
            "D4Store", "D4StoreSQLite", "D4StoreFactory", "D4Basics", "D4Results",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "D4WebTests", dependencies: [
            "D4Web", "D4Store", "D4StoreSQLite", "D4Queues", "D4TLS", "D4Basics", "D4Results",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "D4AnalysisServiceTests", dependencies: [
            "D4AnalysisService", "D4Analysis", "D4Queues", "D4Store", "D4StoreSQLite", "D4Basics", "D4Results", "PacketCapture", "D4TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "D4QueuesTests", dependencies: [
            "D4Queues",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "D4AdministrationTests", dependencies: ["D4Administration", "D4Store", "D4StoreFactory", "D4Basics"]),
        .testTarget(name: "D4CLITests", dependencies: ["D4Store", "D4StoreSQLite"]),
        .testTarget(name: "D4IngestTests", dependencies: [
            "D4Ingest", "D4Protocol", "D4Store", "D4StoreSQLite", "D4Archive", "D4Queues", "D4TLS", "D4Sensor", "D4TestSupport", "PacketCapture", "CZlib", "D4Basics",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "D4SensorTests", dependencies: [
            "D4Sensor", "D4Protocol", "D4TLS", "D4TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
    ]
)
