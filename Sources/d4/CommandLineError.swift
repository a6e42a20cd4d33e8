import ArgumentParser
import CSystemShims
import Foundation

/// Prints `d4 <command>: error: …` on stderr and exits with status 2 (bad configuration) — a clear
/// message instead of a usage dump for errors that are about values, not syntax.
func fail(_ command: String, _ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("d4 \(command): error: \(error)\n".utf8))
    return ExitCode(2)
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Makes stdout line-buffered even when it is a pipe, so scripts see each printed line at once.
func lineBufferStandardOutput() {
    setvbuf(d4_stdout(), nil, _IOLBF, 0)
}
