import D4Store
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Per-sensor statistics gathered in memory and written to the store in batches (every few seconds),
/// never one database round trip per frame. Connections report their deltas about once a second.
final class StatisticsAggregator: Sendable {
    private let pending = NIOLockedValueBox(StatisticsBatch())
    private let store: any D4Store
    private let logger: Logger
    private let observer: (@Sendable ([Int: (frames: Int64, bytes: Int64)]) -> Void)?

    init(store: any D4Store, logger: Logger, observer: (@Sendable ([Int: (frames: Int64, bytes: Int64)]) -> Void)? = nil) {
        self.store = store
        self.logger = logger
        self.observer = observer
    }

    func record(sensor: UUID, type: Int, metaType: String?, sourceIP: String, frames: Int64, bytes: Int64, at moment: Date) {
        let day = UTCDay.label(moment)
        pending.withLockedValue { batch in
            batch.observe(sensor: sensor, type: type, metaType: metaType, sourceIP: sourceIP, at: moment)
            if frames > 0 { batch.count(day: day, sensor: sensor, type: type, sourceIP: sourceIP, frames: frames, bytes: bytes) }
        }
    }

    /// Writes what was gathered; on failure keeps it for the next attempt.
    func flush() async {
        let batch = pending.withLockedValue { batch -> StatisticsBatch in
            defer { batch = StatisticsBatch() }
            return batch
        }
        guard !batch.isEmpty else { return }
        if let observer {
            // The server-wide counters (no sensor, no source address) summed over days: a batch may
            // straddle midnight.
            var perType: [Int: (frames: Int64, bytes: Int64)] = [:]
            for (key, value) in batch.counters where key.sensor == nil && key.sourceIP == nil {
                guard let type = key.type else { continue }
                let sum = perType[type] ?? (0, 0)
                perType[type] = (sum.frames + value.frames, sum.bytes + value.bytes)
            }
            if !perType.isEmpty { observer(perType) }
        }
        do {
            try await store.apply(batch)
        } catch {
            logger.error("cannot write statistics, keeping them for the next flush: \(String(reflecting: error))")
            pending.withLockedValue { $0.merge(batch) }
        }
    }
}
