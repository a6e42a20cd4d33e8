import D4Basics
import Foundation

/// The default human-readable output of `d4 analyze`.
public enum AnalysisSummaryText {
    public static func render(_ result: OfflineAnalysisResult, maximumAttacksListed: Int = 50) -> String {
        var out = ""
        let counts = result.counts
        out += "Input: \(result.files.count) file(s), \(counts.records) records"
        if let first = result.firstPacketTime, let last = result.lastPacketTime {
            out += ", \(ISO8601Time.string(from: first)) – \(ISO8601Time.string(from: last))"
        }
        out += "\n"
        for file in result.files where file.problem != nil {
            out += "  \(file.unreadable ? "unreadable" : "incomplete"): \(file.path): \(file.problem ?? "")\n"
        }
        out += "Packets: \(counts.ipPackets) IP"
        out += ", \(counts.notIP) not IP, \(counts.malformed) malformed, \(counts.unsupportedLinkType) of unsupported link types\n"
        for trafficClass in TrafficClass.allCases {
            out += "  \(trafficClass.rawValue): \(counts.packets(in: trafficClass))\n"
            for pattern in PacketPattern.allCases where pattern.naturalClass == trafficClass {
                let n = counts.packets(matching: pattern)
                if n > 0 { out += "    \(pattern.rawValue): \(n)\n" }
            }
        }
        if counts.fromKnownScanner > 0 {
            out += "  (\(counts.fromKnownScanner) backscatter-shaped packets from known scanners counted as scan)\n"
        }
        if counts.outsideMonitoredSpace > 0 {
            out += "  (\(counts.outsideMonitoredSpace) packets to addresses outside --monitored counted as other)\n"
        }
        if counts.quotesForeignPacket > 0 {
            out += "  (\(counts.quotesForeignPacket) ICMP errors quoting packets not from a monitored address counted as other)\n"
        }
        switch result.monitoredShare {
        case .configured(let n):
            out += "Monitored space: \(n) IPv4 addresses (--monitored)\n"
        case .estimatedFromDestinations(let n):
            out += "Monitored space: not given; estimated from ≈\(n) distinct destinations seen "
                + "(give --monitored for exact extrapolation)\n"
        case .unknown:
            out += "Monitored space: unknown (no packet); rates are not extrapolated\n"
        }
        let stats = result.trackerStatistics
        let tracker = result.configuration.tracker
        out += "Attacks: \(result.attacks.count) (thresholds: > \(tracker.minimumPackets) packets, "
            + "> \(format(tracker.minimumDuration)) s, peak > \(format(tracker.minimumPeakRate)) pps per "
            + "\(format(tracker.rateWindow)) s; idle timeout \(format(tracker.idleTimeout)) s); "
            + "\(stats.flowsBelowThresholds) victim flow(s) below thresholds"
        if stats.packetsRejectedAtCapacity > 0 {
            out += "; \(stats.packetsRejectedAtCapacity) backscatter packets dropped: victim table full"
        }
        out += "\n"
        for attack in result.attacks.prefix(maximumAttacksListed) {
            out += "  \(attack.victim)  \(ISO8601Time.string(from: attack.start)) +\(format(attack.duration)) s  "
            out += "\(attack.packets) pkts  \(attack.ipProtocol)"
            if !attack.ports.isEmpty {
                out += " " + attack.ports.prefix(3).map(\.label).joined(separator: ", ")
                if attack.ports.count > 3 { out += " +\(attack.ports.count - 3) more" }
            }
            out += "  [" + attack.responses.prefix(3).map { "\($0.kind) \($0.packets)" }.joined(separator: ", ") + "]"
            out += "  peak \(format(attack.peakPacketsPerSecond)) pps, mean \(format(attack.meanPacketsPerSecond)) pps"
            if let estimate = attack.estimatedPacketsPerSecond { out += ", ≈\(format(estimate)) pps at the victim" }
            out += "\n"
        }
        if result.attacks.count > maximumAttacksListed {
            out += "  … \(result.attacks.count - maximumAttacksListed) more (use --format json or csv)\n"
        }
        let hours = result.botnets.hourly
        let miraiPeak = hours.map(\.miraiSources).max() ?? 0
        let netisPeak = hours.map(\.netisSources).max() ?? 0
        out += "Botnets: Mirai-fingerprint sources (max per hour) \(miraiPeak), Netis-exploit sources \(netisPeak)"
        if let day = result.botnets.daily.last, let port = day.topPorts.first {
            out += "; most scanned port \(port.port)/\(port.ipProtocol.lowercased())"
                + (port.service.map { " (\($0))" } ?? "") + " by \(port.sources) sources"
        }
        out += " (details: --botnets)\n"
        return out
    }

    static func format(_ value: Double) -> String {
        if value >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: "%.2f", value)
    }
}
