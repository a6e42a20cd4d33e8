import D4Administration
import D4Basics
import D4Store
import Foundation
import XCTest

/// Blocklist, accepted types, users, queues and the server's start-up, on a real store.
final class OtherAdministrationTests: XCTestCase {
    func testBlocklistAddKeepsTheFirstReasonAndRemoveNamesACoveringNetwork() async throws {
        let store = try makeStore()
        let blocklist = BlocklistAdministration(store: store)
        let entries = try ["192.0.2.9/24", "2001:db8::1"].map(BlocklistAdministration.parseEntry)
        XCTAssertEqual(entries.map(\.description), ["192.0.2.0/24", "2001:db8::1"])
        let added = try await blocklist.add(entries, reason: "scanners")
        XCTAssertEqual(added.count, 2)
        guard case .added(let first) = added[0] else { return XCTFail("\(added)") }
        XCTAssertEqual(first.reason, "scanners")
        let again = try await blocklist.add([entries[0]], reason: "other")
        guard case .alreadyBlocked(let old) = again[0] else { return XCTFail("\(again)") }
        XCTAssertEqual(old.reason, "scanners")

        let inside = try BlocklistAdministration.parseEntry("192.0.2.7")
        let error = await assertThrows { try await blocklist.remove(inside) }
        XCTAssertEqual(error as? AdministrationError, .notBlocklisted("192.0.2.7", coveredBy: ["192.0.2.0/24"]))
        XCTAssertTrue("\(error!)".contains("inside the blocked network 192.0.2.0/24"))
        try await blocklist.remove(entries[0])
        let left = try await blocklist.list().map(\.ip)
        XCTAssertEqual(left, ["2001:db8::1"])
        XCTAssertThrowsError(try BlocklistAdministration.parseEntry("banana"))
    }

    func testTypesAcceptRefuseAndThePairingNotices() async throws {
        let store = try makeStore()
        let types = TypeAdministration(store: store)
        let refused = try await types.refuse([2, 5])
        XCTAssertEqual(refused.changed, [2])
        XCTAssertEqual(refused.unchanged, [5])
        XCTAssertEqual(refused.notices, [.typePairing(.extendedWithoutMetaHeader)])
        let accepted = try await types.accept([2, 42])
        XCTAssertEqual(accepted.changed, [2, 42])
        XCTAssertEqual(accepted.notices, [])
        let (entries, notices) = try await types.list()
        XCTAssertTrue(entries.contains(TypeAdministration.Entry(type: 42, name: nil, accepted: true)))
        XCTAssertTrue(entries.contains(TypeAdministration.Entry(type: 5, name: "pcapng", accepted: false)))
        XCTAssertEqual(notices, [])
        let none = try await types.refuse(Set(accepted.accepted))
        XCTAssertEqual(none.notices, [.noTypeAccepted])
    }

    func testUsersCheckBeforeAskingForAPasswordAndChangeRoles() async throws {
        let store = try makeStore()
        let users = UserAdministration(store: store)
        try await users.checkNewUser(name: "alice", role: "admin")
        let alice = try await users.add(name: "alice", password: "correct horse", role: "admin", mustChangePassword: true)
        XCTAssertEqual(alice.role, "admin")
        XCTAssertTrue(alice.mustChangePassword)
        let taken = await assertThrows { try await users.checkNewUser(name: "alice", role: "user") }
        XCTAssertEqual(taken as? StoreError, .userExists("alice"))
        let badRole = await assertThrows { try await users.checkNewUser(name: "bob", role: "root") }
        XCTAssertNotNil(badRole as? StoreError)
        let (before, after) = try await users.setRole(name: "alice", role: "user")
        XCTAssertEqual([before.role, after.role], ["admin", "user"])
        try await users.setPassword(name: "alice", password: "battery staple")
        let now = try await users.list().first
        XCTAssertEqual(now?.mustChangePassword, false, "a new password clears the must-change")
        let missing = await assertThrows { try await users.checkExisting(name: "carol") }
        XCTAssertEqual(missing as? StoreError, .userNotFound("carol"))
    }

    func testQueuesOfBuiltInAnalyzersAreReserved() async throws {
        let store = try makeStore()
        let queues = QueueAdministration(store: store, reservedNames: ["builtin-telescope"])
        let defined = try await queues.define(name: "pdns", type: "passivedns", metaType: nil, sensors: [], capacity: 100,
                                              dropPolicy: "drop-oldest")
        XCTAssertEqual(defined.type, 8)
        for action in [{ _ = try await queues.define(name: "builtin-telescope", type: "1", metaType: nil, sensors: [], capacity: 1, dropPolicy: "block") },
                       { try await queues.remove(name: "builtin-telescope") }] {
            let error = await assertThrows(action)
            XCTAssertEqual(error as? AdministrationError, .reservedQueue("builtin-telescope"))
        }
        let badType = await assertThrows { _ = try await queues.define(name: "x", type: "bogus", metaType: nil, sensors: [], capacity: 1, dropPolicy: "block") }
        XCTAssertTrue("\(badType!)".contains("unknown type \"bogus\""))
        let badSensor = await assertThrows { _ = try await queues.define(name: "x", type: "1", metaType: nil, sensors: ["nope"], capacity: 1, dropPolicy: "block") }
        XCTAssertTrue("\(badSensor!)".contains("is not a UUID"))
        try await queues.remove(name: "pdns")
        let left = try await queues.list()
        XCTAssertTrue(left.isEmpty)
    }

    func testStartupMakesTheAdminOnceAndReconcilesOnlyReservedQueues() async throws {
        let store = try makeStore()
        let startup = ServerStartup(store: store)
        let admin = try await startup.ensureAdminAccount()
        XCTAssertEqual(admin?.name, "admin")
        XCTAssertEqual(admin?.oneTimePassword.count, 20)
        let verified = try await store.verifyPassword(name: "admin", password: admin?.oneTimePassword ?? "")
        XCTAssertTrue(verified)
        let mustChange = try await store.users().first?.mustChangePassword
        XCTAssertEqual(mustChange, true)
        let second = try await startup.ensureAdminAccount()
        XCTAssertNil(second, "only when the store has no user")

        let builtin = QueueDefinition(name: "builtin-telescope", type: 1, capacity: 1024, dropPolicy: "drop-oldest")
        try await store.defineQueue(QueueDefinition(name: "mine", type: 3, capacity: 10))
        let on = try await startup.reconcileBuiltinQueues(running: [builtin], reserved: ["builtin-telescope"])
        XCTAssertEqual(on.defined, ["builtin-telescope"])
        let unchanged = try await startup.reconcileBuiltinQueues(running: [builtin], reserved: ["builtin-telescope"])
        XCTAssertEqual(unchanged, ServerStartup.QueueReconciliation())
        let off = try await startup.reconcileBuiltinQueues(running: [], reserved: ["builtin-telescope"])
        XCTAssertEqual(off.removed, ["builtin-telescope"])
        let names = try await store.queues().map(\.name)
        XCTAssertEqual(names, ["mine"], "an operator's queue is never touched")

        let settings = try await startup.apply(.init(mode: .registration, defaultKey: Data("dk".utf8), replayWindowSeconds: 0))
        XCTAssertEqual(settings.mode, .registration)
        XCTAssertEqual(settings.replayWindowSeconds, 0)
        let kept = try await startup.apply(.init())
        XCTAssertEqual(kept, settings, "nothing given: nothing changes")
    }
}
