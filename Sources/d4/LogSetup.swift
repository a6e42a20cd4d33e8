import Foundation
import Logging
import Synchronization

/// The one logging bootstrap of the process (libraries only create loggers): lines on stderr, at the
/// level of `$D4_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical), else debug with
/// `--verbose`, else info. Commands that log call it first; later calls do nothing.
enum LogSetup {
    static func bootstrap(verbose: Bool) {
        once.withLock { done in
            guard !done else { return }
            done = true
            let level = ProcessInfo.processInfo.environment["D4_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
                ?? (verbose ? .debug : .info)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    private static let once = Mutex(false)
}
