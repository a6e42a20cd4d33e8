import D4Store
import Foundation
import XCTest

final class SettingsTests: XCTestCase {
    func testDefaults() async throws {
        let (store, _) = try makeStore()
        let settings = try await store.settings()
        XCTAssertEqual(settings, ServerSettings())
        XCTAssertEqual(settings.mode, .sharedSecret)
        XCTAssertNil(settings.defaultKey)
        XCTAssertEqual(settings.acceptedTypes, [1, 2, 3, 4, 8, 254])
        XCTAssertEqual(settings.maxFrameSize, 1_000_000)
        XCTAssertEqual(settings.defaultMaxBacklog, 10_000)
        XCTAssertEqual(settings.replayWindowSeconds, 3_600)
    }

    func testUpdateStoresEveryField() async throws {
        let (store, _) = try makeStore()
        let key = Data([0x00, 0x26, 0x3c, 0xff])
        let updated = try await store.updateSettings {
            $0.mode = .registration
            $0.defaultKey = key
            $0.acceptedTypes = [0, 255]
            $0.maxFrameSize = 65_535
            $0.defaultMaxBacklog = 3
            $0.replayWindowSeconds = 0
        }
        let loaded = try await store.settings()
        XCTAssertEqual(loaded, updated)
        XCTAssertEqual(loaded.defaultKey, key)
        XCTAssertEqual(loaded.acceptedTypes, [0, 255])
        XCTAssertEqual(loaded.mode, .registration)
    }

    func testInvalidSettingsRejectedAndNothingStored() async throws {
        let (store, _) = try makeStore()
        let frame = await assertThrowsStoreError { _ = try await store.updateSettings { $0.maxFrameSize = 0 } }
        XCTAssertEqual(frame?.description, "max frame size 0 is outside 1…4294967295 bytes (a D4 size field is 32-bit)")
        await assertThrowsStoreError { _ = try await store.updateSettings { $0.defaultMaxBacklog = 0 } }
        await assertThrowsStoreError { _ = try await store.updateSettings { $0.replayWindowSeconds = -1 } }
        await assertThrowsStoreError(.keyTooLong(bytes: 1_025, limit: 1_024)) {
            _ = try await store.updateSettings { $0.defaultKey = Data(count: 1_025) }
        }
        await assertThrowsStoreError(.keyEmpty) { _ = try await store.updateSettings { $0.defaultKey = Data() } }
        let settings = try await store.settings()
        XCTAssertEqual(settings, ServerSettings())
    }

    func testConcurrentUpdatesAllApply() async throws {
        let (store, fixture) = try makeStore()
        // Two stores on one file behave like two processes (or nodes) sharing the database.
        let second = try fixture.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                let target = index.isMultiple(of: 2) ? store : second
                group.addTask {
                    _ = try await target.updateSettings { $0.acceptedTypes.insert(UInt8(100 + index)) }
                }
            }
            try await group.waitForAll()
        }
        let settings = try await store.settings()
        XCTAssertTrue((100..<110).allSatisfy { settings.acceptedTypes.contains(UInt8($0)) }, "\(settings.acceptedTypes.sorted())")
    }

    func testOlderSettingsDocumentGetsDefaultsForMissingFields() throws {
        let decoded = try JSONDecoder().decode(ServerSettings.self, from: Data(#"{"mode":"registration"}"#.utf8))
        XCTAssertEqual(decoded, ServerSettings(mode: .registration))
    }
}
