import ArgumentParser
import D4Store
import Foundation

/// A management command (`d4 sensors …`, `d4 blocklist …`, `d4 types …`, `d4 users …`): opens the
/// store of an existing data directory, acts on it, and turns every operational failure into
/// `d4 <command>: error: <message>` on stderr with exit status 1. Syntax errors never get here:
/// ArgumentParser reports them before `run()`.
protocol ManagementCommand: AsyncParsableCommand {
    var data: DataDirectoryOptions { get }
    /// The command as typed after `d4`, e.g. "sensors show", for error messages.
    static var commandPath: String { get }
    func run(on store: any D4Store) async throws
}

extension ManagementCommand {
    func run() async throws {
        do {
            let store = try data.openExistingStore()
            try await run(on: store)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            ManagementOutput.error("d4 \(Self.commandPath): error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A failure of a management command that is not a store error (unreadable key file, mismatched
/// passwords, …); its text is shown as it is.
struct ManagementError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Help text shared by the management commands.
enum ManagementHelp {
    /// How a change reaches a running server (it polls the store's change generation).
    static let liveEffect = """
        Works on a running or a stopped server: a running server notices the change within about a \
        second and applies it to its open connections too.
        """
}
