import Foundation
import Testing
@testable import Policy
import TestSupport

@Suite struct BusinessTimeTests {
    static let zones = ["Europe/Stockholm", "Europe/Helsinki", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
    /// 2026 DST changes (and a year end) the random instants cluster around.
    static let anchors = [
        "2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z",  // New York
        "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z",  // EU
        "2026-04-04T16:00:00Z", "2026-10-03T16:00:00Z",  // Sydney
        "2026-12-31T12:00:00Z",
    ]

    @Test(arguments: zones)
    func addThenMeasureRoundTripsAndLandsInOpenTime(zone: String) throws {
        let calendar = try testCalendar(zone)
        let timeline = BusinessTimeline(calendar, span: OpenInterval(start: utc("2025-12-01T00:00:00Z"), end: utc("2027-02-01T00:00:00Z")))
        let seed = UInt64(0x5EED_2026) ^ UInt64(zone.utf8.count)
        var rng = SplitMix64(seed: seed)
        for case_ in 0..<300 {
            let anchor = utc(Self.anchors[Int.random(in: 0..<Self.anchors.count, using: &rng)])
            let t = anchor.addingTimeInterval(Double(Int.random(in: -5 * 86_400...5 * 86_400, using: &rng)))
            let d = Double(Int.random(in: 1...(80 * 3_600), using: &rng))
            let context = "seed \(seed) case \(case_) zone \(zone) t \(t) d \(d)"
            let r = try #require(calendar.date(byAddingBusinessTime: d, to: t), "\(context)")
            #expect(calendar.businessTime(from: t, to: r) == d, "\(context)")
            #expect(calendar.businessTime(from: t, to: r.addingTimeInterval(-1)) == d - 1, "earliest: \(context)")
            #expect(calendar.isOpen(at: r.addingTimeInterval(-1)), "lands in open time: \(context)")
            // The precomputed timeline agrees exactly with the day-by-day computation.
            #expect(timeline.date(byAddingBusinessTime: d, to: t) == r, "timeline add: \(context)")
            #expect(timeline.businessTime(from: t, to: r) == d, "timeline measure: \(context)")
            let u = t.addingTimeInterval(Double(Int.random(in: 0...(20 * 86_400), using: &rng)))
            #expect(timeline.businessTime(from: t, to: u) == calendar.businessTime(from: t, to: u), "measure: \(context) u \(u)")
        }
    }

    @Test func springForwardSkipsTheMissingHour() throws {
        // Stockholm, Sunday 2026-03-29: 02:00 local does not exist (01:00 UTC jumps to 03:00 CEST).
        // Window 01:30-04:30 local = 00:30Z-02:30Z: 2 h instead of 3 h.
        let calendar = try testCalendar("Europe/Stockholm")
        let open = calendar.openIntervals(from: utc("2026-03-29T00:00:00Z"), to: utc("2026-03-29T06:00:00Z"))
        #expect(open == [OpenInterval(start: utc("2026-03-29T00:30:00Z"), end: utc("2026-03-29T02:30:00Z"))])
    }

    @Test func fallBackCountsTheRepeatedHourOnce() throws {
        // New York, Sunday 2026-11-01: 01:00-02:00 local happens twice; window 01:30-04:30 local
        // opens at the first 01:30 (05:30Z) and closes at 04:30 EST (09:30Z): 4 h.
        let calendar = try testCalendar("America/New_York")
        let open = calendar.openIntervals(from: utc("2026-11-01T05:00:00Z"), to: utc("2026-11-01T12:00:00Z"))
        #expect(open == [OpenInterval(start: utc("2026-11-01T05:30:00Z"), end: utc("2026-11-01T09:30:00Z"))])
    }

    @Test func windowStartingInsideTheGapOpensAtTheTransition() throws {
        let calendar = try BusinessCalendar(
            id: "gap", timeZone: "Europe/Stockholm",
            weekly: [.sunday: [OpeningWindow(from: "02:30", to: "03:30")]]
        ).resolved()
        let open = calendar.openIntervals(from: utc("2026-03-28T00:00:00Z"), to: utc("2026-03-30T00:00:00Z"))
        // 02:30 does not exist: the window opens at the jump (01:00Z = 03:00 CEST), closes 03:30 CEST.
        #expect(open == [OpenInterval(start: utc("2026-03-29T01:00:00Z"), end: utc("2026-03-29T01:30:00Z"))])
    }

    @Test func midnightAndYearEndSpans() throws {
        let calendar = try testCalendar("Asia/Tokyo")
        // Friday 2027-01-01 13:00 JST .. Saturday all day .. Sunday 00:30: one merged stretch.
        let open = calendar.openIntervals(from: utc("2027-01-01T00:00:00Z"), to: utc("2027-01-03T00:00:00Z"))
        #expect(open == [
            OpenInterval(start: utc("2027-01-01T00:00:00Z"), end: utc("2027-01-01T03:00:00Z")),
            OpenInterval(start: utc("2027-01-01T04:00:00Z"), end: utc("2027-01-02T15:30:00Z")),
            OpenInterval(start: utc("2027-01-02T16:30:00Z"), end: utc("2027-01-02T19:30:00Z")),
        ])
        // Special day 2026-12-31 (Thursday): 09:00-13:00 only; holiday 2026-12-25 closed.
        #expect(calendar.businessTime(from: utc("2026-12-30T15:00:00Z"), to: utc("2026-12-31T15:00:00Z")) == 4 * 3600)
        #expect(calendar.businessTime(from: utc("2026-12-24T15:00:00Z"), to: utc("2026-12-25T15:00:00Z")) == 0)
        // Adding across the year end: Thursday 2026-12-31 12:00 JST + 2h = Friday 2027-01-01 09:00 JST.
        #expect(calendar.date(byAddingBusinessTime: 2 * 3600, to: utc("2026-12-31T03:00:00Z")) == utc("2027-01-01T00:00:00Z"))
    }

    @Test func followTheSunUnionCoversBothOffices() throws {
        let day = [OpeningWindow(from: "09:00", to: "17:00")]
        let stockholm = try BusinessCalendar(id: "sto", timeZone: "Europe/Stockholm", weekly: [.monday: day]).resolved()
        let sydney = try BusinessCalendar(id: "syd", timeZone: "Australia/Sydney", weekly: [.monday: day]).resolved()
        let team = UnionHours([stockholm, sydney])
        let from = utc("2026-06-07T12:00:00Z"), to = utc("2026-06-09T00:00:00Z")
        #expect(team.businessTime(from: from, to: to) == 16 * 3600)
        #expect(team.isOpen(at: utc("2026-06-07T23:30:00Z")))  // Monday 09:30 in Sydney
        #expect(team.isOpen(at: utc("2026-06-08T06:59:59Z")))  // Sydney hands over to Stockholm at 07:00Z
        #expect(!team.isOpen(at: utc("2026-06-08T15:30:00Z")))  // both closed
    }

    @Test func alwaysClosedCalendarGivesNoAnswerInsteadOfLooping() throws {
        let closed = try BusinessCalendar(id: "closed", timeZone: "UTC", weekly: [:]).resolved()
        #expect(closed.date(byAddingBusinessTime: 60, to: utc("2026-01-01T00:00:00Z")) == nil)
        #expect(closed.date(byAddingBusinessTime: -1, to: utc("2026-01-01T00:00:00Z")) == nil)
    }

    @Test func invalidCalendarReportsEveryField() {
        let calendar = BusinessCalendar(
            id: "bad", timeZone: "Mars/Olympus",
            weekly: [.monday: [OpeningWindow(from: "9:00", to: "17:00"), OpeningWindow(from: "18:00", to: "17:00")]],
            specialDays: [SpecialDay(date: "2026-02-30")])
        let paths = calendar.validate(path: "calendars[0]").map(\.path)
        #expect(paths == ["calendars[0].timeZone", "calendars[0].weekly.monday[0].from",
                          "calendars[0].weekly.monday[1].to", "calendars[0].specialDays[0].date"])
    }
}

@Suite struct FollowTheSunPropertyTests {
    @Test func unionRoundTripsAcrossBothHemispheresDSTChanges() throws {
        let team = UnionHours([try testCalendar("Europe/Stockholm"), try testCalendar("Australia/Sydney"),
                               try testCalendar("America/New_York")])
        let seed: UInt64 = 0xF0110
        var rng = SplitMix64(seed: seed)
        for case_ in 0..<150 {
            let anchor = utc(BusinessTimeTests.anchors[Int.random(in: 0..<BusinessTimeTests.anchors.count, using: &rng)])
            let t = anchor.addingTimeInterval(Double(Int.random(in: -4 * 86_400...4 * 86_400, using: &rng)))
            let d = Double(Int.random(in: 1...(60 * 3_600), using: &rng))
            let context = "seed \(seed) case \(case_) t \(t) d \(d)"
            let r = try #require(team.date(byAddingBusinessTime: d, to: t), "\(context)")
            #expect(team.businessTime(from: t, to: r) == d, "\(context)")
            #expect(team.isOpen(at: r.addingTimeInterval(-1)), "\(context)")
        }
    }
}
