import Foundation
import Testing
@testable import Policy
import TestSupport

@Suite struct PolicyValidatorTests {
    func check(_ text: String, _ format: SupportPolicyDocument.Format = .yaml) -> [String] {
        PolicyValidator().check(Data(text.utf8), format: format).map(\.description)
    }

    static let minimal = PolicyDocumentTests.minimal

    @Test func yamlReportsEveryErrorWithItsPosition() {
        let yaml = """
        version: 1
        calendars:
          - id: stockholm
            timeZone: Europe/Stokholm
            weekley:
              monday: []
            weekly:
              monday:  [{from: "08:00", to: "12:00"}, {from: "11:00", to: "17:00"}]
              tuesday: [{from: "17:00", to: "09:00"}]
              funday: []
            specialDays:
              - {date: "2026-12-24"}
              - {date: "2026-12-24"}
              - {date: "2026-02-30"}
        calendarSelection:
          defaultCalendar: stokholm
        sla:
          targets:
            - {priority: urgnt, firstReply: 1h}
            - {firstReply: "-2h"}
          escalations:
            - {trigger: breach}
        routing: {languageWeight: lots}
        """
        #expect(check(yaml) == [
            "4:15: calendars[0].timeZone: unknown IANA time zone \"Europe/Stokholm\"",
            "5:5: calendars[0].weekley: unknown key \"weekley\"; did you mean \"weekly\"?",
            "8:54: calendars[0].weekly.monday[1].from: overlaps monday[0] (08:00–12:00)",
            "9:37: calendars[0].weekly.tuesday[0].to: must be after from (17:00)",
            "10:7: calendars[0].weekly.funday: unknown key \"funday\"; did you mean \"sunday\"?",
            "13:16: calendars[0].specialDays[1].date: 2026-12-24 is listed twice",
            "14:16: calendars[0].specialDays[2].date: \"2026-02-30\" is not a date YYYY-MM-DD",
            "16:20: calendarSelection.defaultCalendar: no calendar or union \"stokholm\"; did you mean \"stockholm\"?",
            "19:18: sla.targets[0].priority: \"urgnt\" is not a priority; did you mean \"urgent\"? (one of low, normal, high, urgent)",
            "20:20: sla.targets[1].firstReply: must be positive",
            "22:7: sla.escalations[0].notify: is required",
            "23:27: routing.languageWeight: expected an integer, found \"lots\"",
        ])
    }

    @Test func jsonReportsEveryErrorWithItsPosition() {
        let json = """
        {
          "version": 1,
          "calendars": [
            {"id": "office", "timeZone": "Mars/Olympus",
             "weekly": {"monday": [{"from": "09:00", "to": "08:00"}]},
             "specialDays": [{"date": "2026-12-24", "nmae": "Eve"}]}
          ],
          "unions": [{"id": "all", "members": ["office", "ofice"]}],
          "calendarSelection": {"defaultCalendar": "all", "teams": {"night": 7}},
          "sla": {"targets": [{"firstReply": "4h"}, {"firstReply": "2h"}], "businessHours": "yes"},
          "version": 2
        }
        """
        #expect(check(json, .json) == [
            "4:34: calendars[0].timeZone: unknown IANA time zone \"Mars/Olympus\"",
            "5:52: calendars[0].weekly.monday[0].to: must be after from (09:00)",
            "6:45: calendars[0].specialDays[0].nmae: unknown key \"nmae\"; did you mean \"name\"?",
            "8:50: unions[0].members[1]: no calendar \"ofice\"; did you mean \"office\"?",
            "9:70: calendarSelection.teams.night: expected a string, found a number",
            "10:45: sla.targets[1]: warning: never applies: targets[0] matches the same threads and sets every metric this row sets",
            "10:85: sla.businessHours: expected true or false, found a string \"yes\"",
            "11:3: version: key \"version\" is repeated (first at 2:3)",
        ])
    }

    @Test(arguments: [
        ("version: 1\ncalendars:\n  - id: a\n    timeZone: [UTC\n", SupportPolicyDocument.Format.yaml,
         "5:1: (syntax): did not find expected ',' or ']' (while parsing a flow sequence at 4:15)"),
        ("version: 1\n  calendars: x\n", .yaml, "2:12: (syntax): mapping values are not allowed in this context"),
        ("{\"version\": 1,\n \"calendars\": [}\n", .json, "2:16: (syntax): expected a value (object, array, string, number, true, false or null)"),
        ("{\"version\": 1\n \"calendars\": []}", .json, "2:2: (syntax): expected ',' or '}'"),
        ("", .yaml, "1:1: (root): the file is empty; a policy needs version, calendars and calendarSelection"),
    ])
    func syntaxErrorsHaveAPosition(text: String, format: SupportPolicyDocument.Format, expected: String) {
        #expect(check(text, format) == [expected])
    }

    @Test func jsonReaderGoesPastBadEscapesAndTrailingCommas() {
        let diagnostics = check(#"{"version": "a\qb", "calendars": [],}"#, .json)
        #expect(diagnostics.contains("1:16: (syntax): invalid escape '\\q'"), "\(diagnostics)")
        #expect(diagnostics.contains("1:36: (syntax): warning: trailing comma (JSON allows none; the loader accepts it)"), "\(diagnostics)")
        #expect(diagnostics.contains("1:13: version: expected an integer, found a string \"aqb\""), "\(diagnostics)")
    }

    @Test func repeatedKeysUseTheValueTheDecoderUses() {
        // Yams keeps the last value of a repeated key, Foundation's JSON decoder the first.
        let yaml = "version: 1\nversion: 2\ncalendars: [{id: a, timeZone: UTC}]\ncalendarSelection: {defaultCalendar: a}\n"
        #expect(check(yaml) == ["2:1: version: key \"version\" is repeated (first at 1:1)", "2:10: version: unsupported version 2 (this code reads 1)"])
        let json = #"{"version": 1, "version": 2, "calendars": [{"id": "a", "timeZone": "UTC"}], "calendarSelection": {"defaultCalendar": "a"}}"#
        #expect(check(json, .json) == ["1:16: version: key \"version\" is repeated (first at 1:2)"])
    }

    @Test func invalidUTF8IsPlacedAtItsByte() {
        var bytes = Array("version: 1\ncalendars: x".utf8)
        bytes.insert(0xFF, at: 13)
        let diagnostics = PolicyValidator().check(Data(bytes), format: .yaml)
        #expect(diagnostics.map(\.description) == ["2:3: (syntax): the file is not UTF-8 (byte 13)"])
    }

    @Test(arguments: [
        ("timeZone: Europe/Stockholm", "timezone: Europe/Stockholm", "5:5: calendars[0].timezone: unknown key \"timezone\"; did you mean \"timeZone\"?"),
        ("calendarSelection:", "calendarSelecton:", "9:1: calendarSelecton: unknown key \"calendarSelecton\"; did you mean \"calendarSelection\"?"),
        ("{firstReply: 4h}", "{firstReplly: 4h}", "12:14: sla.targets[0].firstReplly: unknown key \"firstReplly\"; did you mean \"firstReply\"?"),
        ("{firstReply: 4h}", "{firstReply: 4h, colour: red}", "12:30: sla.targets[0].colour: unknown key \"colour\"; the closest known key is \"tier\" (known: priority, channel, tier, firstReply, nextReply, periodicUpdate, resolution)"),
    ])
    func unknownKeyNamesTheClosestKnownKey(original: String, replacement: String, expected: String) {
        let yaml = Self.yamlMinimal.replacingOccurrences(of: original, with: replacement)
        #expect(check(yaml).contains(expected), "\(check(yaml))")
    }

    /// ``minimal`` in block style, so keys sit on lines of their own.
    static let yamlMinimal = """
    version: 1
    calendars:
      - id: office
        weekly: {monday: [{from: "09:00", to: "17:00"}]}
        timeZone: Europe/Stockholm
    unions:
      - id: everyone
        members: [office]
    calendarSelection:
      defaultCalendar: office
    sla:
      targets: [{firstReply: 4h}]
    """

    @Test func minimalDocumentsHaveNoDiagnostics() {
        #expect(check(Self.minimal) == [])
        #expect(check(Self.yamlMinimal) == [])
        #expect(PolicyValidator().check(Data(Self.yamlMinimal.utf8), format: .yaml).isEmpty)
    }

    @Test func exampleFileHasNoDiagnostics() throws {
        #expect(try PolicyValidator().check(contentsOf: PolicyDocumentTests.exampleURL) == [])
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: PolicyLoadError.self) { try PolicyValidator().check(contentsOf: URL(fileURLWithPath: "/nonexistent/policy.yaml")) }
    }

    @Test(arguments: [
        // An unknown zone.
        ("timeZone: Europe/Stockholm", "timeZone: Europe/Stokholm", "5:15: calendars[0].timeZone: unknown IANA time zone \"Europe/Stokholm\""),
        // Window order.
        (#"{from: "09:00", to: "17:00"}"#, #"{from: "17:00", to: "17:00"}"#, "4:43: calendars[0].weekly.monday[0].to: must be after from (17:00)"),
        // Overlap (a window inside another).
        (#"{from: "09:00", to: "17:00"}"#, #"{from: "09:00", to: "17:00"}, {from: "10:00", to: "11:00"}"#,
         "4:60: calendars[0].weekly.monday[1].from: overlaps monday[0] (09:00–17:00)"),
        // A missing calendar, from a union and from the selection.
        ("members: [office]", "members: [office, depot]", "8:23: unions[0].members[1]: no calendar \"depot\""),
        ("defaultCalendar: office", "defaultCalendar: nowhere", "10:20: calendarSelection.defaultCalendar: no calendar or union \"nowhere\""),
        // A malformed time and a negative duration.
        (#"to: "17:00""#, #"to: "5pm""#, "4:43: calendars[0].weekly.monday[0].to: \"5pm\" is not a time HH:mm"),
        ("{firstReply: 4h}", "{firstReply: -4h}", "12:26: sla.targets[0].firstReply: must be positive"),
        // Wrong types and a missing required key.
        ("version: 1", "version: one", "1:10: version: expected an integer, found \"one\""),
        ("members: [office]", "members: office", "8:14: unions[0].members: expected a list, found \"office\""),
        ("  - id: everyone\n    members", "  - members", "7:5: unions[0].id: is required"),
    ])
    func meaningAndShapeChecks(original: String, replacement: String, expected: String) {
        let yaml = Self.yamlMinimal.replacingOccurrences(of: original, with: replacement)
        #expect(check(yaml) == [expected])
    }

    @Test func touchingWindowsDoNotOverlap() {
        let yaml = Self.yamlMinimal.replacingOccurrences(of: #"{from: "09:00", to: "17:00"}"#, with: #"{from: "13:00", to: "17:00"}, {from: "09:00", to: "13:00"}"#)
        #expect(check(yaml) == [])
    }

    @Test func brokenCalendarIdDoesNotMakeEveryReferenceBroken() {
        let yaml = Self.yamlMinimal.replacingOccurrences(of: "  - id: office\n", with: "  - id: [office]\n")
        #expect(check(yaml) == ["3:9: calendars[0].id: expected a string, found a list"])
    }

    /// Random edits of the example policy: whatever the loader throws is among the diagnostics,
    /// a file that loads has no errors but unknown or repeated keys, and every position lies
    /// inside the file.
    @Test(arguments: [true, false])
    func loaderErrorsAreAmongTheDiagnosticsAndPositionsAreInTheFile(includesLoaderError: Bool) throws {
        // Without the loader's error added, this holds the shape table and the meaning checks
        // to the decoders and validate(): they must find every problem the loader finds.
        var validator = PolicyValidator()
        validator.includesLoaderError = includesLoaderError
        let original = try String(contentsOf: PolicyDocumentTests.exampleURL, encoding: .utf8)
        let json = String(decoding: try JSONEncoder().encode(try SupportPolicyDocument.load(contentsOf: PolicyDocumentTests.exampleURL)), as: UTF8.self)
        let seed: UInt64 = 0x15_06
        var rng = SplitMix64(seed: seed)
        let tokens = ["", " ", "\n", ":", "-", "[", "]", "{", "}", ",", "\"", "x", "99", "-1h", "25:00", "Mars/Base", "null", "~", "true", "  "]
        for round in 0..<300 {
            let (base, format): (String, SupportPolicyDocument.Format) = round % 3 == 0 ? (json, .json) : (original, .yaml)
            var scalars = Array(base.unicodeScalars)
            for _ in 0...rng.below(3) {
                let at = rng.below(scalars.count)
                let length = rng.below(6)
                let token = tokens[rng.below(tokens.count)]
                scalars.replaceSubrange(at..<min(scalars.count, at + length), with: token.unicodeScalars)
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let data = Data(text.utf8)
            let diagnostics = validator.check(data, format: format)
            let context = "seed \(seed) round \(round) includesLoaderError \(includesLoaderError)"
            let lines = SourcePositions.lineLengths(Array(text.utf8))
            for d in diagnostics {
                #expect(d.line >= 1 && d.line <= lines.count, "\(context): \(d)")
                if d.line >= 1 && d.line <= lines.count { #expect(d.column >= 1 && d.column <= lines[d.line - 1] + 1, "\(context): \(d)") }
            }
            let errorPaths = Set(diagnostics.filter { $0.severity == .error }.map(\.path))
            // Foundation's JSON decoder checks some text only where it reads it (a malformed
            // number in a key it skips); after a syntax error the validator cannot see what the
            // loader went on to decode, so the strict form stops there.
            if !includesLoaderError, diagnostics.contains(where: { $0.path == "(syntax)" && $0.severity == .error }) { continue }
            do {
                _ = try SupportPolicyDocument.load(from: data, format: format)
                // The loader ignores unknown keys and takes one of a repeated key; the validator
                // calls both errors. Nothing else may be an error in a file that loads.
                let others = diagnostics.filter { $0.severity == .error && !$0.message.hasPrefix("unknown key") && !$0.message.hasPrefix("key \"") }
                #expect(others.isEmpty, "\(context): loads, but \(others)")
            } catch {
                switch error {
                case .syntax: #expect(!errorPaths.isEmpty, "\(context): \(error)")
                case .structure(let issue): #expect(errorPaths.contains(issue.path), "\(context): \(issue) not in \(diagnostics)")
                case .invalid(let v): #expect(v.issues.allSatisfy { errorPaths.contains($0.path) }, "\(context): \(v) not in \(diagnostics)")
                case .unreadable: Issue.record("unreadable from data")
                }
            }
        }
    }

    /// Generated valid documents, in JSON and in YAML block style, have no diagnostics at all.
    @Test func generatedValidDocumentsHaveNoDiagnostics() throws {
        let seed: UInt64 = 0x0C1E_A4
        var rng = SplitMix64(seed: seed)
        let zones = ["Europe/Stockholm", "America/New_York", "Australia/Sydney", "UTC", "Asia/Kolkata", "Pacific/Chatham"]
        for round in 0..<60 {
            var calendars: [BusinessCalendar] = []
            for c in 0...rng.below(3) {
                var weekly: [Weekday: [OpeningWindow]] = [:]
                for day in Weekday.allCases where rng.below(3) > 0 {
                    var windows: [OpeningWindow] = []
                    var minute = rng.below(8) * 60
                    while minute < 1380, windows.count < 3 {
                        let end = min(1440, minute + 30 + rng.below(8) * 30)
                        windows.append(OpeningWindow(from: Self.time(minute), to: Self.time(end)))
                        minute = end + rng.below(4) * 30
                    }
                    weekly[day] = windows.shuffled(using: &rng)
                }
                let specialDays = (0..<rng.below(3)).map { i in
                    SpecialDay(date: LocalDate(year: 2026, month: 12, day: 20 + i), name: "day \(i)",
                               windows: rng.below(2) == 0 ? [] : [OpeningWindow(from: "10:00", to: "14:00")])
                }
                calendars.append(BusinessCalendar(id: "cal-\(c)", timeZone: zones[rng.below(zones.count)], weekly: weekly, specialDays: specialDays))
            }
            let ids = calendars.map(\.id)
            let document = SupportPolicyDocument(
                calendars: calendars, unions: [CalendarUnion(id: "all", members: ids)],
                calendarSelection: CalendarSelection(defaultCalendar: ids[rng.below(ids.count)], teams: ["night": "all"]),
                sla: SLAPolicy(targets: [SLATarget(firstReply: .hours(Int64(1 + rng.below(8))))]),
                routing: RoutingPolicy(languageWeight: rng.below(100)))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let json = try encoder.encode(document)
            let context = "seed \(seed) round \(round)"
            #expect(PolicyValidator().check(json, format: .json) == [], "\(context)")
            // JSON is YAML too (flow style): the same document through Yams.
            #expect(PolicyValidator().check(json, format: .yaml) == [], "\(context)")
        }
    }

    @Test func warningsDoNotMakeAFileFail() {
        let yaml = Self.yamlMinimal.replacingOccurrences(of: "members: [office]", with: "members: [office, office]")
            + "\nempowerment:\n  roles:\n    - name: agent\n      limits:\n        - {kind: refund, maxAmount: {EUR: 100}}\n        - {kind: refund, maxAmount: {EUR: 900}, periodDays: 7}\n"
        let diagnostics = PolicyValidator().check(Data(yaml.utf8), format: .yaml)
        #expect(diagnostics.map(\.description) == [
            "8:23: unions[0].members[1]: warning: \"office\" is listed twice",
            "18:18: empowerment.roles[0].limits[1].kind: warning: never applies: limits[0] is this role's refund limit (the first of a kind is used)",
            "18:61: empowerment.roles[0].limits[1].periodDays: warning: has no effect without maxTotalPerPeriod",
        ])
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(throws: Never.self) { try SupportPolicyDocument.load(from: Data(yaml.utf8), format: .yaml) }
    }

    @Test func yamlMergeKeysAreResolvedAsTheLoaderResolvesThem() throws {
        let yaml = """
        version: 1
        calendars:
          - &office
            id: office
            timeZone: Europe/Stockholm
            weekly: {monday: [{from: "09:00", to: "17:00"}]}
          - <<: *office
            id: depot
            timeZone: Mars/Base
        calendarSelection: {defaultCalendar: depot}
        """
        #expect(check(yaml) == ["9:15: calendars[1].timeZone: unknown IANA time zone \"Mars/Base\""])
        do {
            _ = try SupportPolicyDocument.load(from: Data(yaml.utf8), format: .yaml)
            Issue.record("loaded")
        } catch {
            #expect(error.issues.map(\.path) == ["calendars[1].timeZone"])
        }
    }

    static func time(_ minutes: Int) -> LocalTime { LocalTime(hour: minutes / 60, minute: minutes % 60) }

    @Test func closestWordIsByEditDistance() {
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("timezone", "timeZone") == 0)
        #expect(Suggestion.closest(to: "wekly", in: ["id", "timeZone", "weekly", "specialDays"])?.word == "weekly")
    }
}
