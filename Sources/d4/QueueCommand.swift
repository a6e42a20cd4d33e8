import ArgumentParser
import D4Protocol
import D4Queues
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `d4 queue`: reach the analyzer queues of a running `d4 server` through its local socket.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Consume or inspect the analyzer queues of a running server.",
        discussion: """
        The server serves its queues on a Unix socket, <data-dir>/run/queues.sock. Consumers of one queue share its items (each item goes to one consumer); define one queue per analyzer that needs every frame.

        Examples:
          d4 queue list
          d4 queue consume ja3 > ja3.ndjson
          d4 queue consume pcap-feed --format raw --data-dir /var/lib/d4 | my-analyzer
        """,
        subcommands: [Consume.self, List.self, Define.self, Remove.self])

    /// Where the server's queue socket is.
    struct SocketOptions: ParsableArguments {
        @Option(help: "The server's queue socket (default: <data-dir>/run/queues.sock).")
        var socket: String?
        @Option(help: "The server's data directory (default: $D4_DATA_DIR, else ./d4-data).")
        var dataDir: String?

        var socketPath: String {
            if let socket { return socket }
            let environment = ProcessInfo.processInfo.environment["D4_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            let folder = dataDir ?? environment ?? "./d4-data"
            return URL(fileURLWithPath: folder).appendingPathComponent("run/queues.sock").path
        }
    }

    struct Consume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consume",
            abstract: "Write a queue's items to stdout until interrupted.",
            discussion: """
            ndjson: one JSON object per line: queue, sequence, sensor, type, meta_type, session, timestamp, session_end, payload_b64.

            raw: per item a 52-byte little-endian header ("D4Q1", type, flags, meta type length, payload length, sensor UUID, session, sequence, timestamp), the meta type, then the payload.

            Only whole items are written. Items already sent to this command when it is interrupted are lost (delivery is at most once).
            """)

        @Argument(help: "The queue's name.") var name: String
        @OptionGroup var location: SocketOptions
        @Option(help: "Output format: ndjson or raw.") var format: String = "ndjson"

        func run() async throws {
            guard let streamFormat = QueueStreamFormat(rawValue: format.lowercased()) else {
                throw ValidationError("unknown format \"\(format)\": use ndjson or raw")
            }
            // A closed pipe (`| head`) ends the command with EPIPE instead of killing it.
            signal(SIGPIPE, SIG_IGN)
            let output = StandardOutput()
            do {
                try await QueueSocketClient.consume(
                    path: location.socketPath, queue: name, format: streamFormat,
                    group: MultiThreadedEventLoopGroup.singleton
                ) { record in
                    try output.write(record)
                }
            } catch StandardOutput.Closed.closed {
                return
            } catch {
                throw fail("queue consume", error)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show every queue: depth, capacity, counters and consumers.")

        @OptionGroup var location: SocketOptions
        @Flag(help: "Print the server's JSON instead of a table.") var json = false

        func run() async throws {
            let statistics: [QueueStatistics]
            do {
                statistics = try await QueueSocketClient.list(path: location.socketPath,
                                                              group: MultiThreadedEventLoopGroup.singleton)
            } catch {
                throw fail("queue list", error)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(statistics), as: UTF8.self))
            } else if statistics.isEmpty {
                print("no queues are defined")
            } else {
                print(Self.table(statistics))
            }
        }

        static func table(_ statistics: [QueueStatistics]) -> String {
            let header = ["NAME", "TYPE", "META", "SENSORS", "POLICY", "DEPTH", "CAPACITY", "ENQUEUED",
                          "DELIVERED", "DROPPED", "REQUEUED", "CONSUMERS"]
            let rows = statistics.map { queue in
                [queue.name, FrameType(queue.type).description, queue.metaType ?? "-",
                 queue.sensors.isEmpty ? "all" : String(queue.sensors.count),
                 queue.dropPolicy.rawValue + (queue.blocking ? " (blocking)" : ""),
                 String(queue.depth), String(queue.capacity), String(queue.enqueued), String(queue.delivered),
                 String(queue.dropped), String(queue.requeued), String(queue.consumers)]
            }
            let widths = header.indices.map { column in
                ([header] + rows).map { $0[column].count }.max() ?? 0
            }
            return ([header] + rows).map { row in
                row.enumerated().map { column, text in
                    text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\n")
        }
    }
}

/// Unbuffered writes of whole records to stdout (file descriptor 1).
private struct StandardOutput {
    enum Closed: Error { case closed }

    struct WriteFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot write to stdout: \(reason)" }
    }

    func write(_ record: ByteBuffer) throws {
        try record.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(1, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { throw Closed.closed }
                    throw WriteFailed(reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
