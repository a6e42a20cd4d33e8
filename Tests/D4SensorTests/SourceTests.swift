import D4TestSupport
import Foundation
import XCTest
@testable import D4Sensor

final class SourceTests: XCTestCase {
    private func drain(_ source: ByteSource, until stopAfter: Int? = nil, stop: StopSignal? = nil) throws -> [UInt8] {
        var collected: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            switch try source.read(into: buffer) {
            case .bytes(let count):
                collected += buffer[0 ..< count]
                if let stopAfter, collected.count >= stopAfter { stop?.stop() }
            case .endOfSession: continue
            case .endOfInput: return collected
            }
        }
    }

    func testFolderSendsEachFileOnceAndRemembersAcrossRestarts() throws {
        let folder = try makeTemporaryDirectory("folder")
        let state = try makeTemporaryDirectory("state").appendingPathComponent("sent-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("first\n".utf8).write(to: folder.appendingPathComponent("a.log"))
        try Data("second\n".utf8).write(to: folder.appendingPathComponent("b.log"))
        try Data("hidden\n".utf8).write(to: folder.appendingPathComponent(".partial"))

        let stop = StopSignal()
        let first = try FolderSource(folder: folder.path, stateFile: state, pollInterval: 0.05, mergePcapFiles: false, stop: stop)
        XCTAssertEqual(String(decoding: try drain(first, until: 13, stop: stop), as: UTF8.self), "first\nsecond\n")

        // A restart: old files are not sent again, a new one is.
        try Data("third\n".utf8).write(to: folder.appendingPathComponent("c.log"))
        let stop2 = StopSignal()
        let second = try FolderSource(folder: folder.path, stateFile: state, pollInterval: 0.05, mergePcapFiles: false, stop: stop2)
        XCTAssertEqual(String(decoding: try drain(second, until: 6, stop: stop2), as: UTF8.self), "third\n")
        let remembered = try String(contentsOf: state, encoding: .utf8)
        XCTAssertEqual(Set(remembered.split(separator: "\n")), ["a.log", "b.log", "c.log"])
    }

    func testTailFollowsAppendsRotationAndTruncation() throws {
        let folder = try makeTemporaryDirectory("tail")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("app.log")
        try Data("old line, before the sensor started\n".utf8).write(to: log)
        let stop = StopSignal()
        let source = TailSource(path: log.path, fromStart: false, pollInterval: 0.02, stop: stop)
        let expected = "one\ntwo\nthree\nfour\n"
        let writer = Thread {
            func append(_ text: String, to url: URL) {
                let handle = try! FileHandle(forWritingTo: url)
                handle.seekToEndOfFile()
                handle.write(Data(text.utf8))
                try! handle.close()
            }
            Thread.sleep(forTimeInterval: 0.2)
            append("one\n", to: log)
            Thread.sleep(forTimeInterval: 0.2)
            append("two\n", to: log)
            // Rotation: the file is renamed, a new one takes its name.
            try! FileManager.default.moveItem(at: log, to: folder.appendingPathComponent("app.log.1"))
            Thread.sleep(forTimeInterval: 0.2)
            try! Data("three\n".utf8).write(to: log)
            Thread.sleep(forTimeInterval: 0.3)
            // Truncation in place (copytruncate), then a new line.
            truncate(log.path, 0)
            Thread.sleep(forTimeInterval: 0.2)
            append("four\n", to: log)
        }
        writer.start()
        let collected = try drain(source, until: expected.utf8.count, stop: stop)
        XCTAssertEqual(String(decoding: collected, as: UTF8.self), expected)
    }

    func testFileSequenceReadsFilesInOrder() throws {
        let folder = try makeTemporaryDirectory("files")
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        try Data(repeating: 1, count: 5000).write(to: a)
        try Data(repeating: 2, count: 10).write(to: b)
        let source = try FileSequenceSource(paths: [a.path, b.path], mergePcapFiles: false)
        XCTAssertEqual(try drain(source), [UInt8](repeating: 1, count: 5000) + [UInt8](repeating: 2, count: 10))
    }
}
