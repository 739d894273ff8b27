import Foundation

extension Weekday: CodingKeyRepresentable {}

/// Weekly opening hours in an IANA time zone, with holidays and special days: the policy-file form.
///
/// Resolve it with ``resolved()`` to do arithmetic. Several windows per day express split shifts;
/// a window ending at `"24:00"` touching a window starting at `"00:00"` the next day runs through
/// midnight without a break.
public struct BusinessCalendar: Hashable, Sendable, Codable {
    /// The name other parts of the policy refer to (`"stockholm-office"`).
    public var id: String
    /// IANA time zone identifier (`"Europe/Stockholm"`).
    public var timeZone: String
    /// Opening windows per weekday; a missing day is closed.
    public var weekly: [Weekday: [OpeningWindow]]
    /// Holidays and days with special hours; these replace the weekly windows for their date.
    public var specialDays: [SpecialDay]

    /// A calendar.
    public init(id: String, timeZone: String, weekly: [Weekday: [OpeningWindow]], specialDays: [SpecialDay] = []) {
        self.id = id
        self.timeZone = timeZone
        self.weekly = weekly
        self.specialDays = specialDays
    }

    private enum CodingKeys: String, CodingKey { case id, timeZone, weekly, specialDays }

    /// Decodes; `specialDays` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        timeZone = try c.decode(String.self, forKey: .timeZone)
        weekly = try c.decodeIfPresent([Weekday: [OpeningWindow]].self, forKey: .weekly) ?? [:]
        specialDays = try c.decodeIfPresent([SpecialDay].self, forKey: .specialDays) ?? []
    }

    /// Every problem in this calendar, each with its field path under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        if id.isEmpty { issues.append(PolicyIssue(path: "\(path).id", message: "must not be empty")) }
        if TimeZone(identifier: timeZone) == nil {
            issues.append(PolicyIssue(path: "\(path).timeZone", message: "unknown IANA time zone \"\(timeZone)\""))
        }
        for day in Weekday.allCases {
            let windows = weekly[day] ?? []
            for (i, window) in windows.enumerated() {
                issues += window.validate(path: "\(path).weekly.\(day.rawValue)[\(i)]")
            }
            issues += OpeningWindow.overlaps(windows, path: "\(path).weekly.\(day.rawValue)", name: day.rawValue)
        }
        var seen: Set<String> = []
        for (i, special) in specialDays.enumerated() {
            let p = "\(path).specialDays[\(i)]"
            if special.date.components == nil {
                issues.append(PolicyIssue(path: "\(p).date", message: "\"\(special.date.text)\" is not a date YYYY-MM-DD"))
            } else if !seen.insert(special.date.text).inserted {
                issues.append(PolicyIssue(path: "\(p).date", message: "\(special.date.text) is listed twice"))
            }
            for (j, window) in special.windows.enumerated() { issues += window.validate(path: "\(p).windows[\(j)]") }
            issues += OpeningWindow.overlaps(special.windows, path: "\(p).windows", name: "windows")
        }
        return issues
    }

    /// The calendar ready for arithmetic.
    ///
    /// - Throws: ``PolicyValidationError`` listing every problem ``validate(path:)`` finds.
    public func resolved() throws(PolicyValidationError) -> ResolvedCalendar {
        let issues = validate(path: "calendar[\(id)]")
        guard issues.isEmpty, let zone = TimeZone(identifier: timeZone) else { throw PolicyValidationError(issues: issues) }
        func minutes(_ windows: [OpeningWindow]) -> [MinuteWindow] {
            windows.compactMap { w in
                guard let a = w.from.minutes, let b = w.to.minutes else { return nil }
                return MinuteWindow(from: a, to: b)
            }.sorted { $0.from < $1.from }
        }
        let weeklyMinutes = Weekday.allCases.map { minutes(weekly[$0] ?? []) }
        var special: [Int: [MinuteWindow]] = [:]
        for day in specialDays {
            if let number = day.date.dayNumber { special[number] = minutes(day.windows) }
        }
        return ResolvedCalendar(id: id, zone: zone, weekly: weeklyMinutes, special: special)
    }
}

extension OpeningWindow {
    func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        if from.minutes == nil { issues.append(PolicyIssue(path: "\(path).from", message: "\"\(from.text)\" is not a time HH:mm")) }
        if to.minutes == nil { issues.append(PolicyIssue(path: "\(path).to", message: "\"\(to.text)\" is not a time HH:mm")) }
        if let a = from.minutes, let b = to.minutes, a >= b {
            issues.append(PolicyIssue(path: "\(path).to", message: "must be after from (\(from.text))"))
        }
        return issues
    }
}

extension OpeningWindow {
    /// One issue per window that starts before an earlier-starting window of the same day ends.
    /// Windows that are themselves invalid are left to ``validate(path:)``. Touching windows
    /// (`12:00` to and `12:00` from) do not overlap.
    static func overlaps(_ windows: [OpeningWindow], path: String, name: String) -> [PolicyIssue] {
        let valid = windows.enumerated().compactMap { i, w -> (index: Int, from: Int, to: Int)? in
            guard let a = w.from.minutes, let b = w.to.minutes, a < b else { return nil }
            return (i, a, b)
        }.sorted { ($0.from, $0.index) < ($1.from, $1.index) }
        var issues: [(index: Int, issue: PolicyIssue)] = []
        var latest: (index: Int, from: Int, to: Int)?
        for window in valid {
            if let earlier = latest, window.from < earlier.to {
                let other = windows[earlier.index]
                issues.append((window.index, PolicyIssue(
                    path: "\(path)[\(window.index)].from",
                    message: "overlaps \(name)[\(earlier.index)] (\(other.from.text)–\(other.to.text))")))
            }
            if latest.map({ window.to > $0.to }) ?? true { latest = window }
        }
        return issues.sorted { $0.index < $1.index }.map(\.issue)
    }
}

struct MinuteWindow: Hashable, Sendable {
    var from: Int
    var to: Int
}

/// A validated ``BusinessCalendar`` bound to its `TimeZone`: the arithmetic form.
///
/// Local wall-clock windows become absolute instants day by day. A window covers the instants
/// from the *first* time the wall clock shows its opening time to the *last* time it shows its
/// closing time. When a DST change skips a local time (spring forward), that time maps to the
/// instant of the change, so a window 02:00–04:00 on that night in Stockholm is open one hour;
/// when a local time occurs twice (fall back), the window takes the earlier opening and the
/// later closing, so 01:00–04:00 that night is open four hours.
public struct ResolvedCalendar: BusinessHours, Hashable {
    /// The calendar's id.
    public let id: String
    /// Its time zone.
    public let zone: TimeZone
    let weekly: [[MinuteWindow]]
    let special: [Int: [MinuteWindow]]

    /// The open intervals in `[start, end)`.
    public func openIntervals(from start: Date, to end: Date) -> [OpenInterval] {
        guard start < end else { return [] }
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        // UTC offsets lie within ±14 h, so one local day either side covers the range.
        let firstDay = Int((a / 86_400).rounded(.down)) - 1
        let lastDay = Int((b / 86_400).rounded(.down)) + 1
        var result: [OpenInterval] = []
        var sorted = true
        for day in firstDay...lastDay {
            let windows = special[day] ?? weekly[CivilDate.weekdayIndex(dayNumber: day)]
            if windows.isEmpty { continue }
            let midnight = Double(day) * 86_400
            let before = offset(at: midnight - 86_400), after = offset(at: midnight + 2 * 86_400)
            for window in windows {
                let localFrom = midnight + Double(window.from * 60), localTo = midnight + Double(window.to * 60)
                let s: Double, e: Double
                if before == after {
                    s = localFrom - before
                    e = localTo - before
                } else {
                    s = instant(local: localFrom, latest: false)
                    e = instant(local: localTo, latest: true)
                }
                let cs = max(s, a), ce = min(e, b)
                guard cs < ce else { continue }
                if let last = result.last {
                    if cs < last.end.timeIntervalSince1970 { sorted = false }
                }
                if sorted, let last = result.last, cs == last.end.timeIntervalSince1970 {
                    result[result.count - 1].end = Date(timeIntervalSince1970: ce)
                } else {
                    result.append(OpenInterval(start: Date(timeIntervalSince1970: cs), end: Date(timeIntervalSince1970: ce)))
                }
            }
        }
        return sorted ? result : mergeIntervals(result)
    }

    private func offset(at t: Double) -> Double {
        Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: t)))
    }

    /// The absolute instant of local wall-clock time `local` (seconds since 1970 as if UTC).
    /// A repeated time gives its earlier or later occurrence; a skipped time gives the transition.
    private func instant(local: Double, latest: Bool) -> Double {
        let oBefore = offset(at: local - 86_400), oAfter = offset(at: local + 86_400)
        let tBefore = local - oBefore, tAfter = local - oAfter
        let validBefore = offset(at: tBefore) == oBefore, validAfter = offset(at: tAfter) == oAfter
        switch (validBefore, validAfter) {
        case (true, true): return latest ? max(tBefore, tAfter) : min(tBefore, tAfter)
        case (true, false): return tBefore
        case (false, true): return tAfter
        case (false, false):
            // Skipped local time: the transition lies between the two candidates. Binary search
            // the first whole second that has the later offset.
            var lo = min(tBefore, tAfter), hi = max(tBefore, tAfter)
            while hi - lo > 1 {
                let mid = ((lo + hi) / 2).rounded(.down)
                if offset(at: mid) == oBefore { lo = mid } else { hi = mid }
            }
            return hi
        }
    }

    /// Two resolved calendars are equal when their id, zone and hours are equal.
    public static func == (lhs: ResolvedCalendar, rhs: ResolvedCalendar) -> Bool {
        lhs.id == rhs.id && lhs.zone.identifier == rhs.zone.identifier && lhs.weekly == rhs.weekly
            && lhs.special == rhs.special
    }

    /// Hashes the id and zone.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(zone.identifier)
    }
}

/// A follow-the-sun team in a policy file: open whenever any member calendar is open.
public struct CalendarUnion: Hashable, Sendable, Codable {
    /// The name policies refer to.
    public var id: String
    /// Ids of member calendars.
    public var members: [String]

    /// A union of calendars.
    public init(id: String, members: [String]) {
        self.id = id
        self.members = members
    }
}

/// Which calendar applies: the account's (organisation's) first, then the team's, then the policy default.
public struct CalendarSelection: Hashable, Sendable, Codable {
    /// The calendar used when nothing more specific is set.
    public var defaultCalendar: String
    /// Calendar per team name.
    public var teams: [String: String]
    /// Calendar per account (organisation) party id — B2B contract hours.
    public var accounts: [String: String]

    /// A selection.
    public init(defaultCalendar: String, teams: [String: String] = [:], accounts: [String: String] = [:]) {
        self.defaultCalendar = defaultCalendar
        self.teams = teams
        self.accounts = accounts
    }

    private enum CodingKeys: String, CodingKey { case defaultCalendar, teams, accounts }

    /// Decodes; `teams` and `accounts` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultCalendar = try c.decode(String.self, forKey: .defaultCalendar)
        teams = try c.decodeIfPresent([String: String].self, forKey: .teams) ?? [:]
        accounts = try c.decodeIfPresent([String: String].self, forKey: .accounts) ?? [:]
    }

    /// The calendar id for an account and team: account, then team, then default.
    public func calendarID(account: String? = nil, team: String? = nil) -> String {
        if let account, let id = accounts[account] { return id }
        if let team, let id = teams[team] { return id }
        return defaultCalendar
    }
}
