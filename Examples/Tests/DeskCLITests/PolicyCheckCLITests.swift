import Foundation
import Testing
import TestSupport

@Suite("shop-desk policy check", .serialized)
struct PolicyCheckCLITests {
    @Test func everyDiagnosticIsOneFileLineColumnLineAndTheStatusSaysWhat() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.yaml")
        try """
        version: 1
        calendars:
          - id: office
            timeZone: Europe/Stokholm
            weekly: {monday: [{from: "17:00", to: "09:00"}]}
        calendarSelection: {defaultCalendar: ofice}
        """.write(to: bad, atomically: true, encoding: .utf8)
        let json = folder.appendingPathComponent("bad.json")
        try #"{"version": 1, "calendars": [], "calendarSelection": {"defaultCalendar": "x"}, "slaa": {}}"#
            .write(to: json, atomically: true, encoding: .utf8)

        let result = try run("shop-desk", ["policy", "check", bad.path, "Examples/policies/shop.yaml", json.path])
        #expect(result.status == 65)
        #expect(result.lines == [
            "\(bad.path):4:15: calendars[0].timeZone: unknown IANA time zone \"Europe/Stokholm\"",
            "\(bad.path):5:43: calendars[0].weekly.monday[0].to: must be after from (17:00)",
            "\(bad.path):6:38: calendarSelection.defaultCalendar: no calendar or union \"ofice\"; did you mean \"office\"?",
            "Examples/policies/shop.yaml: ok",
            "\(json.path):1:29: calendars: must define at least one calendar",
            "\(json.path):1:74: calendarSelection.defaultCalendar: no calendar or union \"x\"",
            "\(json.path):1:80: slaa: unknown key \"slaa\"; did you mean \"sla\"?",
        ])
        #expect(result.errors.contains("\(bad.path): 3 errors, 0 warnings"))

        let clean = try run("shop-desk", ["policy", "check", "Examples/policies/shop.yaml"])
        #expect(clean.status == 0)
        #expect(clean.lines == ["Examples/policies/shop.yaml: ok"])

        let missing = try run("shop-desk", ["policy", "check", folder.appendingPathComponent("none.yaml").path, "Examples/policies/shop.yaml"])
        #expect(missing.status == 66)
        #expect(missing.errors.contains("none.yaml: cannot read:"))
        #expect(missing.lines == ["Examples/policies/shop.yaml: ok"])
    }
}
