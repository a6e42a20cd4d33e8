import D4Basics
import Foundation

/// Input checks shared by every store implementation; each failure is a `StoreError` naming the
/// offending value and the rule.
public enum Validation {
    public static let maxKeyBytes = 1_024
    public static let maxDescriptionCharacters = 1_000
    public static let maxContactMailCharacters = 320
    public static let maxReasonCharacters = 1_000
    public static let minPasswordCharacters = 8
    public static let maxPasswordBytes = 1_024

    /// Keys are opaque bytes: any byte is fine, only the length is checked (defect 7 of the reference).
    public static func checkKey(_ key: Data) throws(StoreError) {
        guard !key.isEmpty else { throw .keyEmpty }
        guard key.count <= maxKeyBytes else { throw .keyTooLong(bytes: key.count, limit: maxKeyBytes) }
    }

    public static func checkUUIDVersion4(_ uuid: UUID) throws(StoreError) {
        let version = uuid.uuid.6 >> 4
        guard version == 4 else {
            throw .invalidInput("uuid \(uuid.uuidString.lowercased()) is version \(version); D4 sensors use version-4 UUIDs")
        }
    }

    public static func checkType(_ type: Int) throws(StoreError) {
        guard (0...255).contains(type) else { throw .invalidInput("type \(type) is outside 0…255") }
    }

    /// Meta types come from sensors' meta headers ("ja3-jl", "d4-telemetry", …): 1…64 bytes, no control
    /// characters. Ingest should refuse other values when it parses the meta header, so that no
    /// statistics batch carries one (a batch with an invalid entry is refused whole).
    public static func checkMetaType(_ metaType: String?) throws(StoreError) {
        guard let metaType else { return }
        guard (1...64).contains(metaType.utf8.count),
              !metaType.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidInput("meta type \"\(printable(metaType))\" is invalid: use 1…64 bytes without control characters")
        }
    }

    public static func checkQueueName(_ name: String) throws(StoreError) {
        try checkName(name, what: "queue name", maxLength: 64)
    }

    /// User names: letters, digits and . _ - @, 1…64 characters.
    public static func checkUserName(_ name: String) throws(StoreError) {
        guard (1...64).contains(name.utf8.count),
              name.utf8.allSatisfy({ isNameByte($0) || $0 == UInt8(ascii: "@") }) else {
            throw .invalidInput("user name \"\(printable(name))\" is invalid: use 1…64 of A-Z a-z 0-9 . _ - @")
        }
    }

    public static func checkRole(_ role: String) throws(StoreError) {
        guard UserRecord.roles.contains(role) else {
            throw .invalidInput("role \"\(printable(role))\" is invalid: use one of \(UserRecord.roles.sorted().joined(separator: ", "))")
        }
    }

    public static func checkPassword(_ password: String) throws(StoreError) {
        guard password.count >= minPasswordCharacters else {
            throw .invalidInput("password is \(password.count) characters; at least \(minPasswordCharacters) are required")
        }
        guard password.utf8.count <= maxPasswordBytes else {
            throw .invalidInput("password is \(StoreError.grouped(password.utf8.count)) bytes, over the limit of \(StoreError.grouped(maxPasswordBytes))")
        }
    }

    public static func checkText(_ text: String, field: String, maxCharacters: Int) throws(StoreError) {
        guard text.count <= maxCharacters else {
            throw .invalidInput("\(field) is \(StoreError.grouped(text.count)) characters, over the limit of \(StoreError.grouped(maxCharacters))")
        }
    }

    public static func checkMaxBacklog(_ limit: Int?) throws(StoreError) {
        guard let limit else { return }
        guard limit >= 1 else { throw .invalidInput("max backlog \(limit) must be at least 1 frame") }
    }

    public static func checkDay(_ day: String) throws(StoreError) {
        guard UTCDay.isValid(day) else { throw .invalidInput("day \"\(printable(day))\" is not a YYYYMMDD date") }
    }

    public static func checkQueue(_ queue: QueueDefinition) throws(StoreError) {
        try checkQueueName(queue.name)
        try checkType(queue.type)
        try checkMetaType(queue.metaType)
        guard queue.capacity >= 1 else { throw .invalidInput("queue \"\(queue.name)\": capacity \(queue.capacity) must be at least 1 frame") }
        guard QueueDefinition.dropPolicies.contains(queue.dropPolicy) else {
            throw .invalidInput("queue \"\(queue.name)\": drop policy \"\(printable(queue.dropPolicy))\" is invalid: use one of \(QueueDefinition.dropPolicies.sorted().joined(separator: ", "))")
        }
    }

    /// An address ("192.0.2.7", "2001:db8::1") or CIDR block ("192.0.2.0/24"), returned canonical.
    public static func canonicalBlockEntry(_ text: String) throws(StoreError) -> IPNetwork {
        guard let network = IPNetwork(text) else {
            throw .invalidInput("\"\(printable(text))\" is not an IPv4/IPv6 address or CIDR block")
        }
        return network
    }

    /// A source address as ingest reports it, returned in canonical text.
    public static func canonicalAddress(_ text: String) throws(StoreError) -> String {
        guard let address = IPAddress(text)?.unmapped else {
            throw .invalidInput("\"\(printable(text))\" is not an IPv4/IPv6 address")
        }
        return address.description
    }

    package static func checkName(_ name: String, what: String, maxLength: Int) throws(StoreError) {
        guard (1...maxLength).contains(name.utf8.count), name.utf8.allSatisfy(isNameByte) else {
            throw .invalidInput("\(what) \"\(printable(name))\" is invalid: use 1…\(maxLength) of A-Z a-z 0-9 . _ -")
        }
    }

    package static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// Echoes user input in a message safely: control characters escaped, long input cut.
    package static func printable(_ text: String) -> String {
        let limited = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return limited.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
    }
}
