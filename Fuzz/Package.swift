// swift-tools-version:6.0
import PackageDescription

// libFuzzer harness for PacketCapture. Sources/PacketCapture and Sources/CZlib are symlinks to the
// root package's folders, so building the fuzzer never resolves the root package's dependencies.
let package = Package(
    name: "PacketCaptureFuzz",
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "PacketCapture", dependencies: ["CZlib"]),
        .executableTarget(name: "PacketCaptureFuzzer", dependencies: ["PacketCapture"]),
    ]
)
