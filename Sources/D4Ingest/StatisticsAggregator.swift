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

    init(store: any D4Store, logger: Logger) {
        self.store = store
        self.logger = logger
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
        do {
            try await store.apply(batch)
        } catch {
            logger.error("cannot write statistics, keeping them for the next flush: \(String(reflecting: error))")
            pending.withLockedValue { $0.merge(batch) }
        }
    }
}
