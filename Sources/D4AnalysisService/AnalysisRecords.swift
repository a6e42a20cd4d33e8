import D4Analysis
import D4Store
import Foundation

/// The analysis results in the store's value types (the store does not depend on D4Analysis).
extension AttackRecord {
    init(_ attack: Attack, node: String, updatedAt: Double) {
        self.init(
            id: attack.id, node: node, victim: attack.victim, start: Date(timeIntervalSince1970: attack.start),
            end: Date(timeIntervalSince1970: max(attack.end, attack.start)), isOngoing: attack.isOngoing,
            packets: attack.packets, bytes: attack.bytes, ipProtocol: attack.ipProtocol, protocols: attack.protocols,
            ports: attack.ports.map { Port(ipProtocol: $0.ipProtocol, port: Int($0.port), service: $0.service, packets: $0.packets) },
            responses: attack.responses.map { Response(kind: $0.kind, packets: $0.packets) },
            sensorAddresses: attack.sensorAddresses, sensorAddressesEstimated: attack.sensorAddressesEstimated,
            peakPacketsPerSecond: attack.peakPacketsPerSecond, peakMinuteRate: attack.peakMinuteRate,
            meanPacketsPerSecond: attack.meanPacketsPerSecond,
            estimatedPacketsPerSecond: attack.estimatedPacketsPerSecond.flatMap(Self.finite),
            estimatedPeakPacketsPerSecond: attack.estimatedPeakPacketsPerSecond.flatMap(Self.finite),
            monitoredAddresses: attack.monitoredAddresses.map { Int64(clamping: $0) },
            monitoredShare: attack.monitoredShareSource, updatedAt: Date(timeIntervalSince1970: updatedAt))
    }

    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
}

extension BotnetCountRecord {
    /// Nil for a period name the store does not know.
    init?(_ count: BotnetPeriodCount, node: String, isComplete: Bool, updatedAt: Double) {
        guard let period = BotnetPeriod(rawValue: count.period) else { return nil }
        self.init(
            period: period, start: Date(timeIntervalSince1970: count.start), node: node,
            miraiSources: count.miraiSources, miraiPackets: count.miraiPackets, netisSources: count.netisSources,
            netisPackets: count.netisPackets, scannerSources: count.scannerSources, scanPackets: count.scanPackets,
            topPorts: count.topPorts.map {
                PortScan(ipProtocol: $0.ipProtocol, port: Int($0.port), service: $0.service, sources: $0.sources,
                         packets: $0.packets)
            },
            truncated: count.truncated, isComplete: isComplete, updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}
