import Foundation
import Testing
@testable import Policy
import TestSupport

@Suite struct ParserFuzzTests {
    @Test(arguments: [("4h", 14_400), ("1h30m", 5_400), ("2d", 172_800), ("45s", 45), ("90", 90), ("1h 5m", 3_900)] as [(String, Int64)])
    func durations(text: String, seconds: Int64) {
        #expect(PolicyDuration(text).seconds == seconds)
    }

    @Test(arguments: ["", "h", "4", "4x", "1h30", "--1h", "1h-", "99999999999999999999h", "4 hours"])
    func badDurations(text: String) {
        // "4" alone is a number of seconds; the others are rejected.
        if text == "4" { #expect(PolicyDuration(text).seconds == 4) } else { #expect(PolicyDuration(text).seconds == nil) }
    }

    @Test func randomTextNeverCrashesTheValueParsers() {
        let seed: UInt64 = 0xF022
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("0123456789:-hmsdHMSD xyz24".utf8)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...12, using: &rng)
            let text = String(decoding: (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }, as: UTF8.self)
            let time = LocalTime(text), date = LocalDate(text), duration = PolicyDuration(text)
            if let minutes = time.minutes { #expect((0...1440).contains(minutes), "seed \(seed) text \(text)") }
            if let c = date.components { #expect((1...12).contains(c.month) && (1...31).contains(c.day), "seed \(seed) text \(text)") }
            _ = duration.seconds
        }
    }

    @Test func civilDayNumbersRoundTrip() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2_000 {
            let n = Int.random(in: -800_000...800_000, using: &rng)
            let (y, m, d) = CivilDate.civil(dayNumber: n)
            #expect(CivilDate.dayNumber(year: y, month: m, day: d) == n, "seed 99 day \(n)")
        }
        #expect(CivilDate.dayNumber(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.weekdayIndex(dayNumber: CivilDate.dayNumber(year: 2026, month: 11, day: 25)) == 2)  // Wednesday
    }

    @Test func malformedJSONNamesTheField() {
        let json = #"{"version": 1, "calendars": [{"id": "o", "timeZone": "UTC", "weekly": {"monday": [{"from": "09:00", "to": 17}]}}], "calendarSelection": {"defaultCalendar": "o"}}"#
        do {
            _ = try SupportPolicyDocument.load(from: Data(json.utf8), format: .json)
            Issue.record("loaded")
        } catch {
            #expect(error.issues.map(\.path) == ["calendars[0].weekly.monday[0].to"])
        }
    }
}
