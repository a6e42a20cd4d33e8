import D4Store
import Foundation
import XCTest

final class UTCDayTests: XCTestCase {
    func testLabelsMatchTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Every ~17 days from 1970 to 2100, plus the edges of a day.
        for seconds in stride(from: Int64(0), through: 4_102_444_800, by: 1_500_000) + [86_399, 86_400, 951_782_400, 951_868_799] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
            XCTAssertEqual(UTCDay.label(epochSeconds: seconds), expected, "\(seconds)")
            XCTAssertEqual(UTCDay.label(date), expected)
        }
        XCTAssertEqual(UTCDay.label(epochSeconds: -1), "19691231")
        XCTAssertEqual(UTCDay.label(Moment.base), Moment.day)
        XCTAssertEqual(UTCDay.label(Date(timeIntervalSince1970: 1e300)), "99991231", "absurd dates clamp, no trap")
    }

    func testValidation() {
        XCTAssertTrue(UTCDay.isValid("20251124"))
        for bad in ["2025112", "202511240", "2025-11-", "20251324", "20251100", "2025112x", "２０２５１１２４"] {
            XCTAssertFalse(UTCDay.isValid(bad), bad)
        }
    }
}
