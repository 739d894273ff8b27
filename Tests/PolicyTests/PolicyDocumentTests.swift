import Foundation
import Testing
@testable import Policy
import TestSupport

@Suite struct PolicyDocumentTests {
    static let exampleURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/policies/shop.yaml")

    static let minimal = """
    version: 1
    calendars:
      - id: office
        timeZone: Europe/Stockholm
        weekly:
          monday: [{from: "09:00", to: "17:00"}]
    calendarSelection: {defaultCalendar: office}
    sla:
      targets:
        - {firstReply: 4h}
    """

    func issues(_ yaml: String) -> [PolicyIssue] {
        do {
            _ = try SupportPolicyDocument.load(from: Data(yaml.utf8), format: .yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func exampleFileChecksClean() throws {
        let document = try SupportPolicyDocument.load(contentsOf: Self.exampleURL)
        let compiled = try document.compiled()
        #expect(compiled.sla != nil)
        #expect(document.calendarSelection.calendarID(account: "acme-corp", team: "enterprise") == "new-york")
        #expect(document.calendarSelection.calendarID(team: "enterprise") == "follow-the-sun")
        #expect(document.calendarSelection.calendarID() == "stockholm")
    }

    @Test func jsonAndYamlGiveTheSameDocument() throws {
        let fromYAML = try SupportPolicyDocument.load(from: Data(Self.minimal.utf8), format: .yaml)
        let json = try JSONEncoder().encode(fromYAML)
        let fromJSON = try SupportPolicyDocument.load(from: json, format: .json)
        #expect(fromJSON == fromYAML)
    }

    @Test func minimalDocumentIsValid() {
        #expect(issues(Self.minimal) == [])
    }

    @Test func unquotedYAMLTimesAreReadAsText() throws {
        // YAML 1.1 would read 09:00 as a base-60 integer; times decode from the scalar's text.
        let yaml = Self.minimal.replacingOccurrences(of: #"{from: "09:00", to: "17:00"}"#, with: "{from: 09:00, to: 17:00}")
        let document = try SupportPolicyDocument.load(from: Data(yaml.utf8), format: .yaml)
        #expect(document.calendars[0].weekly[.monday]?.first?.to.minutes == 17 * 60)
    }

    @Test(arguments: [
        ("{firstReply: 4h}", "{firstReply: 0m}", ["sla.targets[0].firstReply: must be positive"]),
        ("{firstReply: 4h}", "{firstReply: soon}",
         ["sla.targets[0].firstReply: \"soon\" is not a duration (e.g. \"4h\", \"1h30m\", \"2d\")"]),
        ("{firstReply: 4h}", "{priority: high}",
         ["sla.targets[0]: sets no target (firstReply, nextReply, periodicUpdate or resolution)"]),
        ("timeZone: Europe/Stockholm", "timeZone: Europe/Stokholm",
         ["calendars[0].timeZone: unknown IANA time zone \"Europe/Stokholm\""]),
        ("{defaultCalendar: office}", "{defaultCalendar: offcie}",
         ["calendarSelection.defaultCalendar: no calendar or union \"offcie\"; did you mean \"office\"?"]),
        ("to: \"17:00\"", "to: \"25:00\"", ["calendars[0].weekly.monday[0].to: \"25:00\" is not a time HH:mm"]),
    ])
    func malformedFieldIsNamed(original: String, replacement: String, expected: [String]) {
        let yaml = Self.minimal.replacingOccurrences(of: original, with: replacement)
        #expect(issues(yaml).map(\.description) == expected)
    }

    @Test func everyErrorIsReportedNotOnlyTheFirst() {
        let yaml = """
        version: 2
        calendars:
          - id: office
            timeZone: Nowhere/City
            weekly:
              monday: [{from: "17:00", to: "09:00"}]
            specialDays: [{date: "2026-13-01"}]
        calendarSelection: {defaultCalendar: office, teams: {night: moon}}
        sla:
          warningBefore: -5m
          targets:
            - {firstReply: 4h}
            - {firstReply: 4h}
            - {firstReply: "-1h", resolution: 2x}
        returns: {windowDays: -1, timeZone: UTC, regionRules: [{regions: [Europe], withdrawalDays: 0, source: ""}]}
        empowerment:
          roles:
            - {name: agent, limits: [{kind: refund, maxAmount: {eur: 100}, maxPercentOfOrder: 150}]}
        privacy:
          retention: [{category: messages, afterMonths: 0, action: delete}]
        """
        let paths = issues(yaml).map(\.path)
        #expect(paths == [
            "version", "calendars[0].timeZone", "calendars[0].weekly.monday[0].to", "calendars[0].specialDays[0].date",
            "calendarSelection.teams.night", "sla.warningBefore", "sla.targets[2].firstReply", "sla.targets[2].resolution",
            "returns.windowDays", "returns.regionRules[0].withdrawalDays", "returns.regionRules[0].regions[0]",
            "returns.regionRules[0].source", "empowerment.roles[0].limits[0].maxAmount.eur",
            "empowerment.roles[0].limits[0].maxPercentOfOrder", "privacy.retention[0].afterMonths",
        ])
    }

    @Test func wrongTypeNamesTheField() {
        let yaml = Self.minimal + "\nreturns: {windowDays: thirty}"
        #expect(issues(yaml).map(\.path) == ["returns.windowDays"])
        let missing = Self.minimal.replacingOccurrences(of: "    timeZone: Europe/Stockholm\n", with: "")
        #expect(issues(missing).map(\.description) == ["calendars[0].timeZone: is required"])
        let badEnum = Self.minimal.replacingOccurrences(of: "{firstReply: 4h}", with: "{channel: pigeon, firstReply: 4h}")
        #expect(issues(badEnum).map(\.path) == ["sla.targets[0].channel"])
    }

    @Test func syntaxErrorsAreReportedNotThrownAsCrashes() {
        #expect(issues("version: [1\ncalendars: {").first?.path == "(syntax)")
        #expect(!issues("").isEmpty)
        do {
            _ = try SupportPolicyDocument.load(from: Data("{\"version\": 1,".utf8), format: .json)
            Issue.record("truncated JSON loaded")
        } catch {
            #expect(!error.issues.isEmpty)
        }
    }

    @Test func truncatedExampleNeverCrashes() throws {
        let text = try String(contentsOf: Self.exampleURL, encoding: .utf8)
        let bytes = Array(text.utf8)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<60 {
            let cut = Int.random(in: 0..<bytes.count, using: &rng)
            _ = issues(String(decoding: bytes[0..<cut], as: UTF8.self))
        }
    }
}
