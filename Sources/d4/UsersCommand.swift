import ArgumentParser
import D4Administration
import D4Store
import Foundation

/// `d4 users add|list|passwd`: the accounts of the server's web interface and API.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the web/API users of a D4 server (its data directory): add, list, passwd, role.",
        discussion: """
        Passwords are read from --password-file FILE, else typed twice with echo off on a \
        terminal, else read from standard input (one line; its final newline is dropped) — never \
        from the command line, which other users can see. At least 8 characters. \
        A running server checks logins against the store, so changes apply to the next login.
        """,
        subcommands: [Add.self, List.self, Passwd.self, Role.self])

    /// The password from the file, the terminal or standard input, in that order of preference.
    static func readPassword(file: String?, for name: String) throws -> String {
        if let file {
            return try SecretInput.password(from: SecretInput.readFile(file, what: "password file"), source: "password file \(file)")
        }
        if SecretInput.standardInputIsTerminal {
            return try SecretInput.promptTwice("Password for \(name): ", repeatPrompt: "Repeat the password: ")
        }
        return try SecretInput.password(from: SecretInput.readStandardInput(what: "password"), source: "standard input")
    }
}

extension UsersCommand {
    struct Add: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user.",
            discussion: "Names use 1…64 of A-Z a-z 0-9 . _ - @. Roles: admin or user (default).")
        static let commandPath = "users add"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "admin or user.") var role = "user"
        @Option(help: "File holding the password (one line).") var passwordFile: String?
        @Flag(help: "Make the user choose a new password at the first login.") var mustChangePassword = false

        func validate() throws {
            do {
                try Validation.checkUserName(name)
                try Validation.checkRole(role)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func run(on store: any D4Store) async throws {
            let users = UserAdministration(store: store)
            // Checked before asking for a password that would then be thrown away.
            try await users.checkNewUser(name: name, role: role)
            let password = try UsersCommand.readPassword(file: passwordFile, for: name)
            let user = try await users.add(name: name, password: password, role: role, mustChangePassword: mustChangePassword)
            print("user \(user.name) added (role \(user.role)\(user.mustChangePassword ? ", must change the password at the first login" : ""))")
        }
    }

    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the users: name, role, creation time, whether a password change is due.",
            discussion: "Read-only. Password hashes are never shown.")
        static let commandPath = "users list"

        @OptionGroup var data: DataDirectoryOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run(on store: any D4Store) async throws {
            let users = try await UserAdministration(store: store).list()
            if json {
                print(try ManagementOutput.json(users))
                return
            }
            guard !users.isEmpty else {
                print("no users yet (`d4 users add NAME --role admin` creates one)")
                return
            }
            print(ManagementOutput.table(header: ["NAME", "ROLE", "CREATED", "MUST CHANGE PASSWORD"], rows: users.map {
                [$0.name, $0.role, ManagementOutput.time($0.createdAt), $0.mustChangePassword ? "yes" : "no"]
            }))
        }
    }

    struct Passwd: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (and clear a pending must-change).",
            discussion: "Takes effect at the user's next login.")
        static let commandPath = "users passwd"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "File holding the new password (one line).") var passwordFile: String?

        func run(on store: any D4Store) async throws {
            let users = UserAdministration(store: store)
            try await users.checkExisting(name: name)
            let password = try UsersCommand.readPassword(file: passwordFile, for: name)
            try await users.setPassword(name: name, password: password)
            print("password of user \(name) changed")
        }
    }

    struct Role: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's role.",
            discussion: "Roles: \(UserRecord.roles.sorted().joined(separator: ", ")). Takes effect at the user's next request.")
        static let commandPath = "users role"

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "User name.") var name: String
        @Argument(help: "The new role.") var role: String

        func validate() throws {
            do { try Validation.checkRole(role) } catch { throw ValidationError("\(error)") }
        }

        func run(on store: any D4Store) async throws {
            let (before, after) = try await UserAdministration(store: store).setRole(name: name, role: role)
            print(before.role == after.role ? "user \(name) already has role \(after.role); nothing changed"
                                            : "user \(name): role \(before.role) → \(after.role)")
        }
    }
}
