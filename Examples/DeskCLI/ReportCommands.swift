import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import Metrics
import Policy
import SQLiteStorage
import Storage
import SupportDesk

/// `surveys import FILE.jsonl`: NPS and CSAT answers.
public struct SurveysCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "surveys", abstract: "Import NPS and CSAT answers.", subcommands: [SurveysImportCommand.self])

    public init() {}
}

/// `surveys import FILE.jsonl --store S`.
public struct SurveysImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import survey answers (JSON Lines: id, kind nps|csat, score, at, thread?, from?, comment?), idempotent on id.",
        discussion: "A bad line is reported as 'FILE: line N: problem' and nothing is written (exit 65). Format: docs/formats.md.")

    @Argument(help: "The surveys file (JSON Lines).")
    var file: String

    @Option(help: "The region of phone numbers written without a country code.")
    var region: String?

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        var answers: [SurveyLine] = []
        var bad = 0
        for result in SurveyReader.read(try readFile(file), defaultRegion: region) {
            switch result {
            case .success(let answer): answers.append(answer)
            case .failure(let error):
                bad += 1
                complain("\(file): \(error)")
            }
        }
        guard bad == 0 else {
            complain("\(bad) bad line\(bad == 1 ? "" : "s"): nothing written")
            throw ExitCode(65)
        }
        let desk = try await options.open(create: true)
        let outcomes = try await agentAct { () async throws(StorageError) in try await desk.recordSurveys(answers) }
        try await desk.store.close()
        let stored = outcomes.filter { if case .stored = $0 { true } else { false } }.count
        print(try jsonText(["stored": stored, "already_stored": outcomes.count - stored]))
    }
}

/// `report --store S [--from DATE] [--to DATE] [--zone Z] [--by D] --format json|csv|text [--svg DIR]`.
public struct ReportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "KPIs from the event log: first response, resolution, repeat contacts, top complaints, busiest hours, SLA, NPS, CSAT.",
        discussion: """
            JSON keys are documented in docs/formats.md ("Report"); a KPI with no data is null. Tickets count in the period
            they were opened in; messages, survey answers and complaint terms in the period they were sent in. The fold of
            the log is kept in the store and brought up to date on every report (only new events are read).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, text }

    @Option(help: "The first day (YYYY-MM-DD in --zone, or RFC 3339); default: the first event.")
    var from: String?

    @Option(help: "The last day, included (YYYY-MM-DD in --zone, or an RFC 3339 end, excluded); default: now.")
    var to: String?

    @Option(help: "The IANA zone for days and busiest hours; default: the policy's default calendar's, else UTC.")
    var zone: String?

    @Option(help: "Break the KPIs down by channel, agent, team, language, tier or account.")
    var by: String?

    @Option(help: "Output format.")
    var format: Format = .json

    @Option(help: "Write charts (busiest hours, first-response distribution, NPS/CSAT trend) as SVG into this folder.")
    var svg: String?

    @Option(name: .customLong("repeat-days"), help: "Days after a solved ticket within which a new one is a repeat contact.")
    var repeatDays = 7

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let dimension = try by.map { name in
            guard let value = ReportDimension(rawValue: name) else { throw ValidationError("unknown --by '\(name)'") }
            return value
        }
        let desk = try await options.open()
        let progress = ProgressLine("report", unit: "events folded")
        let fold = try await agentAct { () async throws(StorageError) in
            try await StoreFeed.current(desk.store) { progress.update($0) }
        }
        progress.finish()
        let parties = try await agentAct { () async throws(StorageError) in try await StoreFeed.partyFacts(desk.store) }
        try await desk.store.close()
        let zoneName = zone ?? desk.policy.flatMap { policy in
            policy.document.calendars.first { $0.id == policy.document.calendarSelection.defaultCalendar }?.timeZone
        } ?? "UTC"
        guard let timeZone = TimeZone(identifier: zoneName) else { throw ValidationError("unknown zone '\(zoneName)'") }
        let start = try from.map { try Self.instant($0, zone: timeZone, endOfDay: false) }
            ?? Date(timeIntervalSince1970: fold.records.map(\.openedAt).min() ?? 0)
        let end = try to.map { try Self.instant($0, zone: timeZone, endOfDay: true) } ?? (try options.instant()).addingTimeInterval(1)
        guard start < end else { throw ValidationError("--from must come before --to") }
        let report = KPIReport(
            fold, options: ReportOptions(from: start, to: end, zone: timeZone, policy: desk.policy, by: dimension, repeatWindowDays: repeatDays),
            party: { parties[$0] ?? PartyFacts() })
        switch format {
        case .json: print(try report.json())
        case .csv: print(report.csv(), terminator: "")
        case .text: print(report.text())
        }
        if let svg {
            let folder = URL(fileURLWithPath: svg)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (name, chart) in ReportCharts(report, fold: fold).all {
                    try Data(chart.utf8).write(to: folder.appendingPathComponent(name))
                }
            } catch {
                complain("cannot write the charts to \(svg): \(error)")
                throw ExitCode(74)
            }
        }
    }

    /// A day (`YYYY-MM-DD`, midnight in `zone`; with `endOfDay`, the next midnight) or an RFC 3339 instant.
    static func instant(_ text: String, zone: TimeZone, endOfDay: Bool) throws -> Date {
        if let date = parseInstant(text) { return date }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { throw ValidationError("'\(text)' is not a day (YYYY-MM-DD) or an RFC 3339 time") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            let next = calendar.date(byAdding: .day, value: 1, to: day)
        else { throw ValidationError("'\(text)' is not a day") }
        return endOfDay ? next : day
    }
}
