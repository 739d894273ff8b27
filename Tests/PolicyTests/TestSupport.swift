import Foundation
@testable import Policy

/// An instant from a UTC ISO 8601 string ("2026-03-29T01:00:00Z").
func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    guard let date = f.date(from: text) else {
        Issue.record("bad test date \(text)")
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

import Testing
import TestSupport

/// A calendar with split shifts on weekdays, an all-day Saturday (midnight spans into Sunday),
/// and a Sunday night window over the hours where DST changes happen.
func testCalendar(_ zone: String) throws -> ResolvedCalendar {
    let split = [OpeningWindow(from: "08:00", to: "12:00"), OpeningWindow(from: "13:00", to: "17:30")]
    return try BusinessCalendar(
        id: zone, timeZone: zone,
        weekly: [
            .monday: split, .tuesday: split, .wednesday: split, .thursday: split,
            .friday: [OpeningWindow(from: "08:00", to: "12:00"), OpeningWindow(from: "13:00", to: "24:00")],
            .saturday: [OpeningWindow(from: "00:00", to: "24:00")],
            .sunday: [OpeningWindow(from: "00:00", to: "00:30"), OpeningWindow(from: "01:30", to: "04:30")],
        ],
        specialDays: [
            SpecialDay(date: "2026-12-25", name: "Christmas Day"),
            SpecialDay(date: "2026-12-31", windows: [OpeningWindow(from: "09:00", to: "13:00")]),
        ]
    ).resolved()
}
