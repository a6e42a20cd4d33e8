import D4Results
import Foundation
import PacketCapture

/// `d4 analyze`'s engine: reads capture files one after the other through one `TelescopeAnalyzer`
/// (so an attack spanning two files stays one attack) and collects the closed attacks.
/// A file that cannot be read is reported and skipped, never fatal.
public struct OfflineAnalysis {
    public var analyzer: TelescopeAnalyzer
    /// Progress callback interval, in records.
    public var progressInterval = 1 << 16

    public init(configuration: TelescopeAnalyzer.Configuration = TelescopeAnalyzer.Configuration()) {
        analyzer = TelescopeAnalyzer(configuration: configuration)
    }

    /// Analyses `files` (already expanded), oldest capture first, and returns everything the reports need.
    public mutating func run(files unordered: [String], progress: ((AnalysisProgress) -> Void)? = nil) -> OfflineAnalysisResult {
        let files = CaptureInputs.sortedByFirstTimestamp(unordered)
        var attacks: [Attack] = []
        var outcomes: [FileReadOutcome] = []
        let sizes = files.map(CaptureInputs.size(of:))
        let totalBytes = max(sizes.reduce(0, +), 1)
        var doneBytes: Int64 = 0
        let started = DispatchTime.now().uptimeNanoseconds
        var records = 0
        for (index, path) in files.enumerated() {
            var outcome = FileReadOutcome(path: path)
            do {
                var reader = try CaptureFileReader(path: path)
                var sinceProgress = 0
                var approximateBytes: Int64 = 0
                let compressed = path.lowercased().hasSuffix(".gz")
                let summary = try reader.forEachRecord { record in
                    analyzer.observe(record: record) { event in
                        if event.kind == .closed { attacks.append(event.attack) }
                    }
                    records &+= 1
                    approximateBytes &+= Int64(16 + record.bytes.count)
                    sinceProgress &+= 1
                    if sinceProgress >= progressInterval, let progress {
                        sinceProgress = 0
                        let inFile = compressed ? 0 : min(approximateBytes, sizes[index])
                        progress(AnalysisProgress(
                            fraction: Double(doneBytes + inFile) / Double(totalBytes), records: records,
                            fileIndex: index, fileCount: files.count,
                            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
                    }
                }
                outcome.records = summary.recordCount
                outcome.format = summary.format.map { "\($0)" }
                outcome.compressed = summary.isGzipCompressed
                if let issue = summary.endIssue { outcome.problem = issue.description }
                else if summary.truncatedRecordCount > 0 { outcome.problem = "the capture ends inside its last record" }
            } catch let error as CaptureReadError {
                outcome.problem = error.description
                outcome.unreadable = true
            } catch {
                outcome.problem = String(describing: error)
                outcome.unreadable = true
            }
            outcomes.append(outcome)
            doneBytes += sizes[index]
        }
        let botnets = analyzer.finish { event in
            if event.kind == .closed { attacks.append(event.attack) }
        }
        progress?(AnalysisProgress(fraction: 1, records: records, fileIndex: files.count, fileCount: files.count,
                                   elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        attacks.sort { ($0.start, $0.victim) < ($1.start, $1.victim) }
        return OfflineAnalysisResult(
            attacks: attacks, botnets: botnets, counts: analyzer.counts, files: outcomes,
            monitoredShare: analyzer.monitoredShare, trackerStatistics: analyzer.tracker.statistics,
            firstPacketTime: analyzer.firstPacketTime, lastPacketTime: analyzer.clock.isFinite ? analyzer.clock : nil,
            configuration: analyzer.configuration)
    }
}

/// Where an offline run stands, for a progress bar.
public struct AnalysisProgress: Sendable {
    public var fraction: Double
    public var records: Int
    public var fileIndex: Int
    public var fileCount: Int
    public var elapsedSeconds: Double
}

/// How reading one file went.
public struct FileReadOutcome: Codable, Sendable, Hashable {
    public var path: String
    public var records = 0
    public var format: String?
    public var compressed = false
    /// Why the file was not read to a clean end, in words (nil when it was).
    public var problem: String?
    /// True when not a single record could be read.
    public var unreadable = false

    public init(path: String) { self.path = path }
}

/// Everything `d4 analyze` reports.
public struct OfflineAnalysisResult: Sendable {
    public var attacks: [Attack]
    public var botnets: BotnetCapacityReport
    public var counts: ClassificationCounts
    public var files: [FileReadOutcome]
    public var monitoredShare: MonitoredShare
    public var trackerStatistics: AttackTrackerStatistics
    public var firstPacketTime: Double?
    public var lastPacketTime: Double?
    public var configuration: TelescopeAnalyzer.Configuration

    public var unreadableFiles: [FileReadOutcome] { files.filter(\.unreadable) }
}
