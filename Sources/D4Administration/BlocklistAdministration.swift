import D4Basics
import D4Store
import Foundation

/// The IP blocklist use cases: addresses and CIDR networks whose connections are refused.
public struct BlocklistAdministration: Sendable {
    public let store: any D4Store

    public init(store: any D4Store) {
        self.store = store
    }

    /// What `add` did with one entry.
    public enum Addition: Sendable, Equatable {
        case added(BlockedIP)
        /// Already on the list; the entry keeps its reason and time.
        case alreadyBlocked(BlockedIP)
    }

    /// An address or CIDR network in canonical form ("192.0.2.9/24" becomes "192.0.2.0/24",
    /// IPv4-mapped IPv6 becomes IPv4).
    public static func parseEntry(_ text: String) throws -> IPNetwork {
        guard let network = IPNetwork(text) else { throw AdministrationError.invalidBlockEntry(text) }
        return network
    }

    /// Oldest first.
    public func list() async throws -> [BlockedIP] {
        try await store.blockedIPs()
    }

    public func add(_ entries: [IPNetwork], reason: String) async throws -> [Addition] {
        var existing = Dictionary(try await store.blockedIPs().map { ($0.ip, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [Addition] = []
        for entry in entries {
            if let old = existing[entry.description] {
                result.append(.alreadyBlocked(old))
                continue
            }
            try await store.blockIP(entry.description, reason: reason)
            let added = try await store.blockedIPs().first { $0.ip == entry.description }
                ?? BlockedIP(ip: entry.description, reason: reason, blockedAt: Date())
            existing[added.ip] = added
            result.append(.added(added))
        }
        return result
    }

    /// Removes one entry; one that is not on the list is `notBlocklisted`, naming a blocked network
    /// that covers it (why the address may still be refused).
    public func remove(_ entry: IPNetwork) async throws {
        do {
            try await store.unblockIP(entry.description)
        } catch StoreError.ipNotBlocked(let ip) {
            let covering = try await store.blockedIPs().compactMap { IPNetwork($0.ip) }
                .filter { !$0.isSingleAddress && $0.contains(entry) }
            throw AdministrationError.notBlocklisted(ip, coveredBy: covering.map(\.description))
        }
    }
}
