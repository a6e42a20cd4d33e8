import Foundation

/// Settings travel as one JSON document; fields missing from an older document take their defaults,
/// so adding a setting needs no schema migration.
package enum SettingsCoding {
    package static func encode(_ settings: ServerSettings) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(settings), as: UTF8.self)
        } catch {
            throw .database("cannot encode settings: \(error)")
        }
    }

    package static func decode(_ json: String) throws(StoreError) -> ServerSettings {
        do {
            return try JSONDecoder().decode(ServerSettings.self, from: Data(json.utf8))
        } catch {
            throw .corruptData("settings document: \(error)")
        }
    }
}
