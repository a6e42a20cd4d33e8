import D4Protocol
import D4TLS
import Foundation

/// Everything `d4 sensor` needs, resolved and validated. Build it with `SensorSettings.resolve`.
public struct SensorSettings: Sendable {
    public var uuid: UUID
    public var key: [UInt8]
    public var type: FrameType
    public var snaplen: Int
    public var version: UInt8
    public var source: SourceSpec
    public var destination: DestinationSpec
    public var metaHeader: MetaHeader?
    public var trust: ServerTrust
    /// Spool and folder-source memory live here.
    public var stateDirectory: URL
    public var spoolMaximumBytes: Int
    public var spoolPolicy: FrameSpool.FullPolicy
    public var backoff: ReconnectBackoff
    public var connectTimeout: Duration
    /// Frames carry this timestamp instead of the clock's (tests, reproducing vectors).
    public var fixedTimestamp: UInt64?

    public init(uuid: UUID, key: [UInt8], type: FrameType, snaplen: Int = 4096, version: UInt8 = 1,
                source: SourceSpec = .standardInput, destination: DestinationSpec = .standardOutput,
                metaHeader: MetaHeader? = nil, trust: ServerTrust = .system,
                stateDirectory: URL = URL(fileURLWithPath: "d4-sensor-state"),
                spoolMaximumBytes: Int = 1 << 30, spoolPolicy: FrameSpool.FullPolicy = .block,
                backoff: ReconnectBackoff = ReconnectBackoff(), connectTimeout: Duration = .seconds(10),
                fixedTimestamp: UInt64? = nil) {
        self.uuid = uuid; self.key = key; self.type = type; self.snaplen = snaplen; self.version = version
        self.source = source; self.destination = destination; self.metaHeader = metaHeader; self.trust = trust
        self.stateDirectory = stateDirectory; self.spoolMaximumBytes = spoolMaximumBytes; self.spoolPolicy = spoolPolicy
        self.backoff = backoff; self.connectTimeout = connectTimeout; self.fixedTimestamp = fixedTimestamp
    }

    /// The raw settings as given: each field from a flag, else from the config directory, else a default.
    public struct Inputs: Sendable {
        public var configDirectory: String?
        public var uuid: String?
        public var key: [UInt8]?
        public var keyFile: String?
        public var type: String?
        public var snaplen: String?
        public var version: String?
        public var sources: [String] = []
        public var destination: String?
        public var metaHeaderFile: String?
        public var metaType: String?
        public var caFile: String?
        public var pinnedFingerprint: String?
        public var insecure = false
        public var stateDirectory: String?
        public var filter: String?
        public var tailFromStart = false
        public init() {}
    }

    /// Merges flags over the config directory and validates everything; refuses with a clear reason.
    public static func resolve(_ inputs: Inputs) throws(SensorConfigurationError) -> SensorSettings {
        let config = try inputs.configDirectory.map { (path) throws(SensorConfigurationError) in try ReferenceConfigDirectory(path: path) }
            ?? ReferenceConfigDirectory()

        guard let uuidText = inputs.uuid ?? config.uuid, !uuidText.isEmpty else { throw .missingUUID }
        guard let uuid = UUID(uuidString: uuidText) else { throw .invalidUUID(uuidText) }
        guard uuid.isVersion4 else { throw .uuidNotVersion4(uuidText) }

        let key: [UInt8]
        if let flagKey = inputs.key {
            guard !flagKey.isEmpty else { throw .emptyKey(source: "--key") }
            key = flagKey
        } else if let keyFile = inputs.keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw .unreadableKeyFile(path: keyFile, reason: "no such file or permission denied")
            }
            key = ReferenceConfigDirectory.keyBytes(fromFileContent: [UInt8](data))
            guard !key.isEmpty else { throw .emptyKey(source: keyFile) }
        } else if let configKey = config.key {
            guard !configKey.isEmpty else { throw .emptyKey(source: "\(inputs.configDirectory ?? ".")/key") }
            key = configKey
        } else {
            throw .missingKey
        }

        let typeText = inputs.type ?? config.type ?? "1"
        guard let type = FrameType(parsing: typeText) else { throw .unknownType(typeText) }

        let snaplenText = inputs.snaplen ?? config.snaplen ?? "4096"
        guard let snaplen = Int(snaplenText), (1 ... 65535).contains(snaplen) else { throw .snaplenOutOfRange(snaplenText) }

        let versionText = inputs.version ?? config.version ?? "1"
        guard let version = UInt8(versionText), version == FrameHeader.currentVersion else { throw .invalidVersion(versionText) }

        let filter = try inputs.filter.map { (text) throws(SensorConfigurationError) in try CaptureFilter(parsing: text) }
        var source: SourceSpec
        let sourceTexts = inputs.sources.isEmpty ? [config.source ?? "stdin"] : inputs.sources
        if sourceTexts.count > 1 {
            var paths: [String] = []
            for text in sourceTexts {
                guard case .files(let more) = try SourceSpec.parse(text) else {
                    throw .invalidSource("\(text) (several sources must all be files)")
                }
                paths += more
            }
            source = .files(paths)
        } else {
            source = try SourceSpec.parse(sourceTexts[0])
        }
        switch source {
        case .tail(let path, _): source = .tail(path, fromStart: inputs.tailFromStart)
        case .interface(let name, _): source = .interface(name, filter: filter ?? CaptureFilter())
        default: break
        }
        try source.validate()

        let destination = try DestinationSpec.parse(inputs.destination ?? config.destination ?? "stdout")

        var metaHeader: MetaHeader?
        if let file = inputs.metaHeaderFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .invalidMetaHeader("cannot read \(file)")
            }
            do { metaHeader = try MetaHeader(json: [UInt8](data)) } catch { throw .invalidMetaHeader("\(file): \(error)") }
        } else if let name = inputs.metaType {
            do { metaHeader = try MetaHeader(type: name) } catch { throw .invalidMetaHeader("\(error)") }
        }
        if metaHeader != nil, type != .extended { throw .metaHeaderNeedsType254 }
        if type == .extended, metaHeader == nil {
            throw .invalidSetting(name: "type", value: "254", why: "type 254 needs --meta-header FILE.json or --meta-type NAME")
        }

        let trustChoices = [inputs.caFile != nil, inputs.pinnedFingerprint != nil, inputs.insecure].filter { $0 }.count
        guard trustChoices <= 1 else { throw .conflictingTrust("use only one of --ca, --pin and --insecure") }
        var trust = ServerTrust.system
        if let ca = inputs.caFile {
            guard FileManager.default.isReadableFile(atPath: ca) else { throw .unreadableSource(path: ca, reason: "CA file not readable") }
            trust = .certificateAuthority(path: ca)
        } else if let pin = inputs.pinnedFingerprint {
            guard let fingerprint = CertificateFingerprint(parsing: pin) else {
                throw .invalidSetting(name: "--pin", value: pin, why: "expected a SHA-256 fingerprint: 64 hex digits, ':' allowed")
            }
            trust = .pinned(fingerprint)
        } else if inputs.insecure {
            trust = .insecure
        }

        let state = URL(fileURLWithPath: inputs.stateDirectory ?? "d4-sensor-state").appendingPathComponent(uuid.uuidString.lowercased())
        return SensorSettings(uuid: uuid, key: key, type: type, snaplen: snaplen, version: version, source: source,
                              destination: destination, metaHeader: metaHeader, trust: trust, stateDirectory: state)
    }
}
