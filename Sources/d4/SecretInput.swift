#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads secrets (sensor keys, passwords) from a file, from a pipe, or typed on a terminal with
/// echo off — never from a command-line argument, which other users can see in the process list.
enum SecretInput {
    /// More input than this is not a key or a password: refused rather than read into memory.
    static let inputLimit = 64 * 1024

    static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// The whole file, refused if it is larger than `inputLimit`.
    static func readFile(_ path: String, what: String) throws -> Data {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw ManagementError("cannot open \(what) \(path): \(reason(of: error))")
        }
        defer { try? handle.close() }
        return try readBounded(handle, what: "\(what) \(path)")
    }

    /// Everything on standard input (a pipe or a redirected file), refused beyond `inputLimit`.
    static func readStandardInput(what: String) throws -> Data {
        try readBounded(FileHandle.standardInput, what: "\(what) on standard input")
    }

    /// A sensor key as the reference client reads its key file: everything from the last newline
    /// on is dropped, every other byte is kept. Also returns how many bytes followed that newline,
    /// so the caller can say that they were ignored instead of losing them silently.
    static func referenceKey(from content: Data) -> (key: Data, ignoredBytes: Int) {
        guard let newline = content.lastIndex(of: UInt8(ascii: "\n")) else { return (content, 0) }
        return (Data(content[content.startIndex..<newline]), content.endIndex - newline - 1)
    }

    /// A password from file or pipe content: one line of UTF-8, its final newline dropped.
    static func password(from content: Data, source: String) throws -> String {
        var bytes = content[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        guard !bytes.contains(UInt8(ascii: "\n")) else {
            throw ManagementError("the password from \(source) has several lines; give it on one line")
        }
        guard let text = String(data: Data(bytes), encoding: .utf8) else {
            throw ManagementError("the password from \(source) is not valid UTF-8")
        }
        return text
    }

    /// Asks twice on the terminal with echo off; both answers must match.
    static func promptTwice(_ prompt: String, repeatPrompt: String) throws -> String {
        let first = try promptHidden(prompt)
        let second = try promptHidden(repeatPrompt)
        guard first == second else { throw ManagementError("the two entries differ; nothing was changed") }
        return first
    }

    /// One line typed on the terminal without echo; the prompt goes to stderr so stdout stays clean.
    static func promptHidden(_ prompt: String) throws -> String {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw ManagementError("cannot switch terminal echo off: \(String(cString: strerror(errno)))")
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        savedTerminal = original
        // Ctrl-C while echo is off must not leave the terminal without echo.
        let previousHandler = signal(SIGINT, restoreTerminalAndExit)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            signal(SIGINT, previousHandler)
            savedTerminal = nil
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else {
            throw ManagementError("cannot switch terminal echo off: \(String(cString: strerror(errno)))")
        }
        let line = readLine(strippingNewline: true)
        FileHandle.standardError.write(Data("\n".utf8))
        guard let line else { throw ManagementError("no input (end of file on the terminal)") }
        return line
    }

    private static func readBounded(_ handle: FileHandle, what: String) throws -> Data {
        do {
            let data = try handle.read(upToCount: inputLimit + 1) ?? Data()
            guard data.count <= inputLimit else {
                throw ManagementError("\(what) is over \(inputLimit / 1024) KiB: that is not a key or a password")
            }
            return data
        } catch let error as ManagementError {
            throw error
        } catch {
            throw ManagementError("cannot read \(what): \(reason(of: error))")
        }
    }

    private static func reason(of error: any Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedDescription
    }
}

/// The terminal settings to restore if the user presses Ctrl-C at a hidden prompt. Only the main
/// thread touches it, around one blocking `readLine`; the signal handler only reads it.
nonisolated(unsafe) private var savedTerminal: termios?

private func restoreTerminalAndExit(_ signal: Int32) {
    if var terminal = savedTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal) }
    _exit(128 + signal)
}
