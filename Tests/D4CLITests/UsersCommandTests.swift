import D4Store
import Foundation
import XCTest

final class UsersCommandTests: CLITestCase {
    func testAddFromFileListAndChangePasswordFromStandardInput() async throws {
        let file = try scratchFile("password", Data("correct horse battery\n".utf8))
        let added = try d4Succeeds(["users", "add", "alice", "--role", "admin", "--password-file", file]).stdout
        XCTAssertEqual(added, "user alice added (role admin)\n")
        var valid = try await store.verifyPassword(name: "alice", password: "correct horse battery")
        XCTAssertTrue(valid)

        let list = try d4Succeeds(["users", "list"]).stdout
        XCTAssertTrue(list.hasPrefix("NAME"), list)
        XCTAssertTrue(list.contains("alice") && list.contains("admin"), list)
        XCTAssertFalse(list.contains("horse"))

        let changed = try d4Succeeds(["users", "passwd", "alice"], stdin: Data("new passphrase 2\r\n".utf8)).stdout
        XCTAssertEqual(changed, "password of user alice changed\n")
        valid = try await store.verifyPassword(name: "alice", password: "new passphrase 2")
        XCTAssertTrue(valid)
        valid = try await store.verifyPassword(name: "alice", password: "correct horse battery")
        XCTAssertFalse(valid)
    }

    func testAddFromStandardInputWithDefaultRoleAndMustChange() async throws {
        try d4Succeeds(["users", "add", "bob", "--must-change-password"], stdin: Data("passw0rd-bob".utf8))
        let users = try await store.users()
        XCTAssertEqual(users.map(\.name), ["bob"])
        XCTAssertEqual(users.first?.role, "user")
        XCTAssertEqual(users.first?.mustChangePassword, true)
        let json = try d4Succeeds(["users", "list", "--json"]).stdout
        let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(decoded.first?["mustChangePassword"] as? Bool, true)
    }

    func testUserErrors() async throws {
        try await store.addUser(name: "carol", password: "long enough", role: "user")

        let duplicate = try d4(["users", "add", "carol"], stdin: Data("another one\n".utf8))
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertEqual(duplicate.stderr, "d4 users add: error: user \"carol\" already exists\n")

        let short = try d4(["users", "add", "dave"], stdin: Data("short\n".utf8))
        XCTAssertEqual(short.status, 1)
        XCTAssertTrue(short.stderr.contains("at least 8 are required"), short.stderr)

        let twoLines = try d4(["users", "add", "dave"], stdin: Data("password1\npassword1\n".utf8))
        XCTAssertEqual(twoLines.status, 1)
        XCTAssertTrue(twoLines.stderr.contains("has several lines"), twoLines.stderr)

        let badRole = try d4(["users", "add", "dave", "--role", "root"], stdin: Data("password1\n".utf8))
        XCTAssertNotEqual(badRole.status, 0)
        XCTAssertNotEqual(badRole.status, 1, "an invalid role is a usage error")
        XCTAssertTrue(badRole.stderr.contains("role \"root\" is invalid"), badRole.stderr)

        let badName = try d4(["users", "add", "da ve"], stdin: Data("password1\n".utf8))
        XCTAssertNotEqual(badName.status, 0)

        let unknown = try d4(["users", "passwd", "erin"], stdin: Data("password1\n".utf8))
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "d4 users passwd: error: user \"erin\" not found\n")

        let users = try await store.users()
        XCTAssertEqual(users.map(\.name), ["carol"])
    }

    func testRoleChangesTheRoleAndRefusesUnknownRolesAndUsers() async throws {
        try d4Succeeds(["users", "add", "carol"], stdin: Data("passw0rd-carol".utf8))
        XCTAssertEqual(try d4Succeeds(["users", "role", "carol", "admin"]).stdout, "user carol: role user → admin\n")
        let users = try await store.users()
        XCTAssertEqual(users.first?.role, "admin")
        XCTAssertTrue(try d4Succeeds(["users", "role", "carol", "admin"]).stdout.contains("nothing changed"))
        let badRole = try d4(["users", "role", "carol", "root"])
        XCTAssertNotEqual(badRole.status, 0)
        XCTAssertTrue(badRole.stderr.contains("role \"root\" is invalid"), badRole.stderr)
        let unknown = try d4(["users", "role", "dave", "user"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "d4 users role: error: user \"dave\" not found\n")
    }
}
