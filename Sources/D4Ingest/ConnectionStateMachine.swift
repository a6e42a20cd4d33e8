import D4Protocol
import D4Store
import Foundation

/// The rules of one D4 connection, as a value type without I/O: given the admission facts and each
/// frame's header, it says whether to accept the frame or close, and why. The channel handler only
/// executes its decisions.
public struct ConnectionStateMachine: Sendable {
    public enum State: Sendable, Equatable {
        case awaitingFirstFrame
        /// `type` is the stream's data type; `metaType` the type-254 payload kind once a meta header came.
        case streaming(uuid: UUID, type: FrameType, metaType: String?)
        case closed(CloseReason)
    }

    public enum Decision: Sendable, Equatable {
        /// First accepted frame of the connection: claim the (uuid, type) slot, then accept.
        case open(uuid: UUID, type: FrameType)
        case accept
        /// A type-2 frame: the meta header describing the type-254 frames that follow.
        case metaHeader(MetaHeader)
        /// Close; when `blockSourceIP` is set, add the connection's IP to the blocklist first.
        case close(CloseReason, blockSourceIP: Bool)
    }

    public private(set) var state: State = .awaitingFirstFrame
    public let sourceIP: String
    private var signer: FrameSigner?

    public init(sourceIP: String) {
        self.sourceIP = sourceIP
    }

    /// Checks at accept time, before any byte is read.
    public static func admitConnection(sourceIP: String, facts: AdmissionFacts) -> CloseReason? {
        facts.isBlocked(ip: sourceIP) ? .sourceIPBlocked(sourceIP) : nil
    }

    /// Decides on one complete frame. `authenticate` checks the HMAC with a signer for the key.
    public mutating func decide(header: FrameHeader, facts: AdmissionFacts, now: Date,
                                authenticate: (FrameSigner) -> Bool) -> Decision {
        let decision = evaluate(header: header, facts: facts, now: now, authenticate: authenticate)
        if case .close(let reason, _) = decision { state = .closed(reason) }
        return decision
    }

    private mutating func evaluate(header: FrameHeader, facts: AdmissionFacts, now: Date,
                                   authenticate: (FrameSigner) -> Bool) -> Decision {
        guard header.version == FrameHeader.currentVersion else { return .close(.unsupportedVersion(header.version), blockSourceIP: false) }
        switch state {
        case .closed(let reason):
            return .close(reason, blockSourceIP: false)
        case .awaitingFirstFrame:
            if let refusal = Self.admissionRefusal(uuid: header.uuid, type: header.type, sourceIP: sourceIP, facts: facts, now: now) {
                return refusal
            }
            if header.type == .extended { return .close(.extendedBeforeMetaHeader, blockSourceIP: false) }
            guard let key = facts.key(for: header.uuid), !key.isEmpty, let signer = try? FrameSigner(key: key) else {
                return .close(.noKey, blockSourceIP: false)
            }
            self.signer = signer
            if let failure = checkFrame(header, facts: facts, now: now, authenticate: authenticate) { return failure }
            state = .streaming(uuid: header.uuid, type: header.type, metaType: nil)
            return .open(uuid: header.uuid, type: header.type)
        case .streaming(let uuid, let type, let metaType):
            guard header.uuid == uuid else { return .close(.uuidChanged(from: uuid, to: header.uuid), blockSourceIP: false) }
            if header.type != type {
                // A meta header (2) is followed by its data (254); nothing else may change type.
                guard type == .metaHeader, header.type == .extended, metaType != nil else {
                    return .close(header.type == .extended ? .extendedBeforeMetaHeader : .typeChanged(from: type, to: header.type),
                                  blockSourceIP: false)
                }
                guard facts.acceptedTypes.contains(FrameType.extended.rawValue) else {
                    return .close(.typeNotAccepted(.extended), blockSourceIP: false)
                }
                state = .streaming(uuid: uuid, type: .extended, metaType: metaType)
            }
            if let failure = checkFrame(header, facts: facts, now: now, authenticate: authenticate) { return failure }
            return .accept
        }
    }

    /// Registers the meta header carried by an accepted type-2 frame.
    public mutating func acceptMetaHeader(payload: [UInt8]) -> Decision {
        guard case .streaming(let uuid, let type, _) = state else { return .accept }
        guard type == .metaHeader || type == .extended else { return .accept }
        guard !payload.isEmpty else { return .accept }  // the empty end-of-stream frame
        do {
            let header = try MetaHeader(json: payload)
            state = .streaming(uuid: uuid, type: type, metaType: header.type)
            return .metaHeader(header)
        } catch {
            let reason = CloseReason.invalidMetaHeader("\(error)")
            state = .closed(reason)
            return .close(reason, blockSourceIP: false)
        }
    }

    private func checkFrame(_ header: FrameHeader, facts: AdmissionFacts, now: Date,
                            authenticate: (FrameSigner) -> Bool) -> Decision? {
        guard let signer, authenticate(signer) else { return .close(.authenticationFailed, blockSourceIP: false) }
        if facts.replayWindowSeconds > 0 {
            let server = UInt64(max(0, now.timeIntervalSince1970))
            let distance = header.timestamp > server ? header.timestamp - server : server - header.timestamp
            if distance > UInt64(facts.replayWindowSeconds) {
                return .close(.timestampOutsideWindow(frame: header.timestamp, server: server, window: facts.replayWindowSeconds),
                              blockSourceIP: false)
            }
        }
        return nil
    }

    /// The sensor-level rules, also re-checked for open connections when an admin changes something.
    public static func admissionRefusal(uuid: UUID, type: FrameType, sourceIP: String, facts: AdmissionFacts, now: Date) -> Decision? {
        if facts.isBlocked(ip: sourceIP) { return .close(.sourceIPBlocked(sourceIP), blockSourceIP: false) }
        guard uuid.isVersion4 else { return .close(.uuidNotVersion4(uuid), blockSourceIP: false) }
        let sensor = facts.sensor(uuid)
        if let sensor, sensor.state == .blocked {
            return sensor.blockSourceIPs ? .close(.sensorBlockedWithIPs(sourceIP), blockSourceIP: true) : .close(.sensorBlocked, blockSourceIP: false)
        }
        if facts.mode == .registration, sensor?.state != .approved {
            return .close(.notApproved(registered: sensor != nil), blockSourceIP: false)
        }
        if let until = sensor?.kickedUntil, until > now { return .close(.kicked(until: until), blockSourceIP: false) }
        guard facts.acceptedTypes.contains(type.rawValue) else { return .close(.typeNotAccepted(type), blockSourceIP: false) }
        return nil
    }
}
