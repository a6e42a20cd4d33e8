import ArgumentParser
import D4Analysis
import D4Results
import Foundation

/// `d4 analyze FILE…`: offline backscatter/attack/botnet analysis of telescope captures.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find DoS attacks (backscatter) and botnet scanning in telescope captures.",
        discussion: """
        Reads pcap/pcapng files (gzip-compressed or not) or folders of them, classifies every packet as \
        backscatter, scan or other, groups backscatter per victim into attacks and counts botnet scanners. \
        Attack thresholds default to Moore, Voelker and Savage's classic values (idle timeout 300 s, more \
        than 25 packets, longer than 60 s, peak rate above 0.5 pps per minute).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case summary, json, csv, misp
    }

    @Argument(help: "Capture files or folders (searched recursively for .pcap, .pcapng, .cap, optionally .gz).")
    var inputs: [String]

    @Option(help: "Output: summary (human), json (one attack per line), csv, misp (one MISP event per attack per line).")
    var format: Format = .summary

    @Flag(help: "Write the botnet-capacity report (JSON: per hour and day) instead of the attack report.")
    var botnets = false

    @Option(help: "Monitored IPv4 prefixes, comma-separated (e.g. 198.51.100.0/24). Used to extrapolate rates; when absent the size is estimated from the destinations seen.")
    var monitored: String?

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "With --format misp: write one <event-uuid>.json file per attack into this folder.")
    var mispDir: String?

    @Option(help: "Seconds without backscatter after which a victim's attack ends.")
    var idleTimeout: Double = AttackTrackerConfiguration.classicIdleTimeout

    @Option(help: "An attack needs more than this many packets.")
    var minPackets: Int = AttackTrackerConfiguration.classicMinimumPackets

    @Option(help: "An attack must last longer than this many seconds.")
    var minDuration: Double = AttackTrackerConfiguration.classicMinimumDuration

    @Option(help: "An attack's peak rate (packets/s over one-minute intervals) must exceed this.")
    var minRate: Double = AttackTrackerConfiguration.classicMinimumPeakRate

    @Option(help: "Seconds a scanning source stays remembered (its backscatter-like packets count as scan).")
    var scannerRetention: Double = 3600

    @Option(help: "TLP tag of MISP events (tlp:clear, tlp:white, tlp:green, …).")
    var tlp: String = "tlp:clear"

    @Flag(help: "Never show the progress bar.")
    var noProgress = false

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one capture file or folder") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard minPackets >= 0 else { throw ValidationError("--min-packets cannot be negative") }
        guard minDuration >= 0, minRate >= 0 else { throw ValidationError("--min-duration and --min-rate cannot be negative") }
        guard scannerRetention > 0 else { throw ValidationError("--scanner-retention must be positive") }
        if mispDir != nil, format != .misp { throw ValidationError("--misp-dir needs --format misp") }
        if let monitored {
            do { _ = try MonitoredSpace(parsing: monitored) } catch { throw ValidationError("--monitored: \(error)") }
        }
    }

    func run() throws {
        let files: [String]
        do { files = try CaptureInputs.expand(inputs) } catch {
            Self.printError("\(error)")
            throw ExitCode.failure
        }
        let space = try monitored.map { try MonitoredSpace(parsing: $0) }
        let configuration = TelescopeAnalyzer.Configuration(
            classifier: ClassifierConfiguration(monitored: space, scannerRetention: scannerRetention),
            tracker: AttackTrackerConfiguration(idleTimeout: idleTimeout, minimumPackets: minPackets,
                                                minimumDuration: minDuration, minimumPeakRate: minRate))
        var analysis = OfflineAnalysis(configuration: configuration)
        var bar = ProgressBar(enabled: !noProgress && isatty(STDERR_FILENO) == 1)
        let result = analysis.run(files: files) { bar.show($0) }
        bar.clear()

        for file in result.files {
            if let problem = file.problem {
                Self.printError(file.unreadable ? "skipped \(file.path): \(problem)"
                                                : "\(file.path): read \(file.records) records, then: \(problem)")
            }
        }
        try writeReport(result)
        if !result.unreadableFiles.isEmpty { throw ExitCode.failure }
    }

    private func writeReport(_ result: OfflineAnalysisResult) throws {
        var text = ""
        if botnets {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(result.botnets), as: UTF8.self) + "\n"
        } else {
            switch format {
            case .summary:
                text = AnalysisSummaryText.render(result)
            case .json:
                text = try AttackJSONLines.render(result.attacks)
            case .csv:
                text = AttackCSV.render(result.attacks)
            case .misp:
                let options = MISPEventExport.Options(tlpTag: tlp)
                if let mispDir {
                    try FileManager.default.createDirectory(atPath: mispDir, withIntermediateDirectories: true)
                    for attack in result.attacks {
                        let path = (mispDir as NSString).appendingPathComponent("\(attack.id).json")
                        try MISPEventExport.json(for: attack, options: options, pretty: true)
                            .write(toFile: path, atomically: true, encoding: .utf8)
                    }
                    Self.printError("wrote \(result.attacks.count) MISP event(s) to \(mispDir)")
                    return
                }
                text = try result.attacks.map { try MISPEventExport.json(for: $0, options: options) + "\n" }.joined()
            }
        }
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                Self.printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode.failure
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("d4 analyze: \(message)\n".utf8))
    }
}

/// A one-line progress bar on stderr, shown only for inputs that take more than two seconds.
private struct ProgressBar {
    let enabled: Bool
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func show(_ progress: AnalysisProgress) {
        guard enabled, progress.elapsedSeconds >= 2 || shown else { return }
        shown = true
        let width = 30
        let fraction = min(max(progress.fraction, 0), 1)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let line = String(format: "\r[%@] %3.0f%%  %.1fM packets  file %d/%d  %.0f s", bar as NSString,
                          fraction * 100, Double(progress.records) / 1e6, min(progress.fileIndex + 1, progress.fileCount),
                          progress.fileCount, progress.elapsedSeconds)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 79) + "\r").utf8))
    }
}
