import D4Store
import Foundation
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// The admission facts, read from the store once and refreshed when an admin changes something
/// (the store's change generation moves), so no frame waits for a database.
///
/// Connections keep their own copy and compare `generation` (one atomic load) before each frame,
/// taking a fresh copy only after a refresh: no lock and no copy of the facts per frame.
final class AdmissionCache: Sendable {
    private let facts: NIOLockedValueBox<AdmissionFacts>
    private let store: any D4Store
    private let loadedGeneration: Synchronization.Atomic<Int64>

    init(store: any D4Store) async throws {
        self.store = store
        let initial = try await store.admissionFacts()
        facts = NIOLockedValueBox(initial)
        loadedGeneration = Synchronization.Atomic(initial.generation)
    }

    var current: AdmissionFacts { facts.withLockedValue { $0 } }

    /// The store generation of `current`; changes only when `current` does.
    var generation: Int64 { loadedGeneration.load(ordering: .acquiring) }

    /// Reloads when the generation changed; returns the new facts then, nil when nothing changed.
    func refreshIfChanged() async throws -> AdmissionFacts? {
        let generation = try await store.changeGeneration()
        guard generation != current.generation else { return nil }
        let fresh = try await store.admissionFacts()
        facts.withLockedValue { $0 = fresh }
        loadedGeneration.store(fresh.generation, ordering: .releasing)
        return fresh
    }
}
