import D4Basics
import XCTest

/// The one civil-date routine behind ISO 8601 text, the store's day labels and query parsing.
final class CivilDateTests: XCTestCase {
    func testKnownDays() {
        XCTAssertEqual(CivilDate(daysSinceEpoch: 0), CivilDate(year: 1970, month: 1, day: 1))
        XCTAssertEqual(CivilDate(daysSinceEpoch: -1), CivilDate(year: 1969, month: 12, day: 31))
        XCTAssertEqual(CivilDate(epochSeconds: 951_782_400), CivilDate(year: 2000, month: 2, day: 29))
        XCTAssertEqual(CivilDate(epochSeconds: -1), CivilDate(year: 1969, month: 12, day: 31), "floor, not truncation")
        XCTAssertEqual(CivilDate(year: 2026, month: 12, day: 2).startEpochSeconds, 1_796_169_600)
    }

    func testRoundTripOverFourCenturies() {
        var previous = CivilDate(daysSinceEpoch: -146_098)
        for days in Int64(-146_097) ... 146_097 {
            let date = CivilDate(daysSinceEpoch: days)
            XCTAssertEqual(date.daysSinceEpoch, days)
            XCTAssertTrue(date.isValid)
            XCTAssertLessThan(previous, date)
            previous = date
        }
    }

    func testValidity() {
        XCTAssertTrue(CivilDate(year: 2024, month: 2, day: 29).isValid, "leap year")
        XCTAssertFalse(CivilDate(year: 2025, month: 2, day: 29).isValid)
        XCTAssertFalse(CivilDate(year: 1900, month: 2, day: 29).isValid, "century, not a leap year")
        XCTAssertTrue(CivilDate(year: 2000, month: 2, day: 29).isValid, "every 400 years a leap year")
        XCTAssertFalse(CivilDate(year: 2026, month: 4, day: 31).isValid)
        XCTAssertFalse(CivilDate(year: 2026, month: 13, day: 1).isValid)
        XCTAssertFalse(CivilDate(year: 2026, month: 0, day: 1).isValid)
    }
}
