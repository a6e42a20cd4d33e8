import D4Store
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The admission facts, read from the store once and refreshed when an admin changes something
/// (the store's change generation moves), so no frame waits for a database.
final class AdmissionCache: Sendable {
    private let facts: NIOLockedValueBox<AdmissionFacts>
    private let store: any D4Store

    init(store: any D4Store) async throws {
        self.store = store
        facts = NIOLockedValueBox(try await store.admissionFacts())
    }

    var current: AdmissionFacts { facts.withLockedValue { $0 } }

    /// Reloads when the generation changed; returns the new facts then, nil when nothing changed.
    func refreshIfChanged() async throws -> AdmissionFacts? {
        let generation = try await store.changeGeneration()
        guard generation != current.generation else { return nil }
        let fresh = try await store.admissionFacts()
        facts.withLockedValue { $0 = fresh }
        return fresh
    }
}
