@testable import D4Store
import Foundation
import XCTest

final class UserTests: XCTestCase {
    func testAddVerifyChangeRemove() async throws {
        let (store, _) = try makeStoreWithFastPasswordHashing()
        try await store.addUser(name: "admin", password: "correct horse", role: "admin", mustChangePassword: true)
        try await store.addUser(name: "alice.b@example-org", password: "s3cret-pass", role: "user")

        let rightPassword = try await store.verifyPassword(name: "admin", password: "correct horse")
        let wrongPassword = try await store.verifyPassword(name: "admin", password: "correct horsE")
        let unknownUser = try await store.verifyPassword(name: "nobody", password: "correct horse")
        XCTAssertTrue(rightPassword)
        XCTAssertFalse(wrongPassword)
        XCTAssertFalse(unknownUser)

        var users = try await store.users()
        XCTAssertEqual(users.map(\.name), ["admin", "alice.b@example-org"])
        XCTAssertEqual(users.map(\.role), ["admin", "user"])
        XCTAssertEqual(users.map(\.mustChangePassword), [true, false])
        XCTAssertLessThan(abs(users[0].createdAt.timeIntervalSinceNow), 60)

        try await store.setPassword(name: "admin", password: "battery staple")
        let oldPassword = try await store.verifyPassword(name: "admin", password: "correct horse")
        let newPassword = try await store.verifyPassword(name: "admin", password: "battery staple")
        XCTAssertFalse(oldPassword)
        XCTAssertTrue(newPassword)
        users = try await store.users()
        XCTAssertFalse(users[0].mustChangePassword, "setting a password clears the must-change flag")

        try await store.setMustChangePassword(name: "alice.b@example-org", true)
        try await store.setRole(name: "alice.b@example-org", role: "admin")
        users = try await store.users()
        XCTAssertEqual(users[1].role, "admin")
        XCTAssertTrue(users[1].mustChangePassword)

        try await store.removeUser(name: "alice.b@example-org")
        users = try await store.users()
        XCTAssertEqual(users.map(\.name), ["admin"])
    }

    func testErrors() async throws {
        let (store, _) = try makeStoreWithFastPasswordHashing()
        try await store.addUser(name: "bob", password: "12345678", role: "user")
        await assertThrowsStoreError(.userExists("bob")) { try await store.addUser(name: "bob", password: "12345678", role: "user") }
        let short = await assertThrowsStoreError { try await store.addUser(name: "carol", password: "1234567", role: "user") }
        XCTAssertEqual(short?.description, "password is 7 characters; at least 8 are required")
        let role = await assertThrowsStoreError { try await store.addUser(name: "carol", password: "12345678", role: "root") }
        XCTAssertEqual(role?.description, "role \"root\" is invalid: use one of admin, user")
        for badName in ["", "with space", "semi;colon", String(repeating: "n", count: 65), "tab\tname", "ünïcode"] {
            await assertThrowsStoreError { try await store.addUser(name: badName, password: "12345678", role: "user") }
        }
        await assertThrowsStoreError(.userNotFound("dave")) { try await store.setPassword(name: "dave", password: "12345678") }
        await assertThrowsStoreError(.userNotFound("dave")) { try await store.removeUser(name: "dave") }
        await assertThrowsStoreError(.userNotFound("dave")) { try await store.setRole(name: "dave", role: "user") }
        await assertThrowsStoreError(.userNotFound("dave")) { try await store.setMustChangePassword(name: "dave", true) }
        await assertThrowsStoreError { try await store.setPassword(name: "bob", password: "short") }
        let stillOld = try await store.verifyPassword(name: "bob", password: "12345678")
        XCTAssertTrue(stillOld)
    }

    func testUnknownUserCostsAVerification() throws {
        // The decoy is a well-formed hash that no password matches.
        let decoy = PasswordHasher.decoy(iterations: 1_000)
        XCTAssertFalse(try PasswordHasher.verify("", against: decoy))
        XCTAssertFalse(try PasswordHasher.verify("password", against: decoy))
    }
}
