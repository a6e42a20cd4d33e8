import D4Store
import Foundation

/// What a sensor action did: the record before and after (nil before = the action created it;
/// nil after = it removed it), whether anything changed, and what the operator should know.
public struct SensorChange: Sendable, Equatable {
    public var uuid: UUID
    public var before: SensorRecord?
    public var after: SensorRecord?
    public var notices: [AdministrationNotice]

    public init(uuid: UUID, before: SensorRecord?, after: SensorRecord?, notices: [AdministrationNotice] = []) {
        self.uuid = uuid
        self.before = before
        self.after = after
        self.notices = notices
    }

    /// False when the action found everything as asked already.
    public var changed: Bool { before != after }

    /// True when the action made the record (pre-registration).
    public var created: Bool { before == nil && after != nil }
}
