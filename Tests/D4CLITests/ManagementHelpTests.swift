import Foundation
import XCTest

/// Every management command explains itself, and those that change something say how the change
/// reaches a running server.
final class ManagementHelpTests: CLITestCase {
    func testEveryCommandHasHelpAndChangingOnesMentionTheRunningServer() throws {
        let changing = [
            ["sensors", "approve"], ["sensors", "reject"], ["sensors", "block"], ["sensors", "unblock"],
            ["sensors", "kick"], ["sensors", "set-key"], ["sensors", "set-limit"], ["sensors", "describe"],
            ["blocklist", "ip", "add"], ["blocklist", "ip", "remove"], ["types", "accept"], ["types", "refuse"],
        ]
        let readOnly = [["sensors", "list"], ["sensors", "show"], ["blocklist", "ip", "list"], ["types", "list"],
                        ["users", "add"], ["users", "list"], ["users", "passwd"], ["users", "role"]]
        for command in changing + readOnly {
            let result = try d4(command + ["--help"], dataDir: false)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("--data-dir"), "\(command) help lacks --data-dir")
            // Help text is wrapped at the terminal width: compare with whitespace collapsed.
            let flowing = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if changing.contains(command) {
                XCTAssertTrue(flowing.contains("about a second"), "\(command) help does not say when a running server sees the change:\n\(result.stdout)")
            }
        }
        for root in [["sensors"], ["blocklist"], ["blocklist", "ip"], ["types"], ["users"]] {
            XCTAssertEqual(try d4(root + ["--help"], dataDir: false).status, 0, "\(root)")
        }
    }
}
