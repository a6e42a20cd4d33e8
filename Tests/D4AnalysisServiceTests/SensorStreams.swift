import D4Analysis
import D4Queues
import Foundation
import PacketCapture

/// A generated telescope capture, its packets dealt at random to two sensors (each its own pcap
/// stream), the streams cut into random-size frames as D4 sensors send them, plus the whole capture
/// in one piece for the offline analysis of the same packets.
struct SensorStreams {
    struct Frame {
        var sensor: UUID
        var session: UInt64
        var payload: [UInt8]
    }

    let sensors = [UUID(), UUID()]
    let sessions: [UInt64] = [1_764_000_000_001, 1_764_000_000_002]
    var streams: [[UInt8]] = []
    /// Record start offsets of each stream (after the global header).
    var recordOffsets: [[Int]] = [[], []]
    var combined: [UInt8] = []
    var truth: GeneratedTrafficTruth

    init(scenario: TelescopeScenario, seed: UInt64 = 9) {
        var generator = TelescopeTrafficGenerator(scenario: scenario)
        var random = SeededRandom(seed: seed)
        let header = PcapFileHeader(linkType: 1)
        var writers = [PcapWriter(header: header), PcapWriter(header: header)]
        var whole = PcapWriter(header: header)
        while let (time, frame) = generator.next() {
            let seconds = time.rounded(.down)
            let fraction = UInt32(((time - seconds) * 1_000_000).rounded())
            let index = Int(random.next() % 2)
            recordOffsets[index].append(writers[index].bytes.count)
            writers[index].append(seconds: UInt32(seconds), fraction: fraction, packet: frame)
            whole.append(seconds: UInt32(seconds), fraction: fraction, packet: frame)
        }
        streams = writers.map(\.bytes)
        combined = whole.bytes
        truth = generator.truth
    }

    /// Both streams cut into frames of 1…`maximumFrame` bytes, interleaved so that both advance through
    /// capture time together (each frame goes to the stream that is proportionally further behind).
    func frames(maximumFrame: Int = 3000, seed: UInt64 = 5) -> [Frame] {
        var random = SeededRandom(seed: seed)
        var positions = [0, 0]
        var frames: [Frame] = []
        while positions[0] < streams[0].count || positions[1] < streams[1].count {
            let progress = (0..<2).map { Double(positions[$0]) / Double(max(streams[$0].count, 1)) }
            let index = positions[0] >= streams[0].count ? 1
                : positions[1] >= streams[1].count ? 0
                : (progress[0] <= progress[1] ? 0 : 1)
            let size = 1 + Int(random.next() % UInt64(maximumFrame))
            let end = min(positions[index] + size, streams[index].count)
            frames.append(Frame(sensor: sensors[index], session: sessions[index],
                                payload: Array(streams[index][positions[index]..<end])))
            positions[index] = end
        }
        return frames
    }
}

extension QueueItem {
    static func frame(_ frame: SensorStreams.Frame, sequence: UInt64 = 0) -> QueueItem {
        QueueItem(sensor: frame.sensor, type: 1, session: frame.session, sequence: sequence,
                  timestamp: 1_764_000_000, payload: frame.payload)
    }
}

/// A wall clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double

    init(_ seconds: Double) { self.seconds = seconds }

    var now: Double { lock.withLock { seconds } }

    func advance(by delta: Double) { lock.withLock { seconds += delta } }
}

/// Waits (polling) until `condition` holds or `timeout` seconds pass; returns whether it held.
func eventually(timeout: Double = 120, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
