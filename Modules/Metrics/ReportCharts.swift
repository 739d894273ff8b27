import Foundation

/// A report's charts as standalone SVG documents: the busiest hours as a heatmap, the
/// first-response times as a histogram, and NPS and CSAT by week. Each is titled, has labelled
/// axes, names the zone, and uses only system fonts, so it reads the same rendered to PNG.
public struct ReportCharts: Sendable {
    /// `busiest-hours.svg`, `first-response.svg`, `nps-csat.svg` with their documents.
    public let all: [(name: String, svg: String)]

    /// The charts of `report` (and the fold it was made from, for the distributions).
    public init(_ report: KPIReport, fold: KPIFold) {
        let options = report.options
        let from = options.from.timeIntervalSince1970, to = options.to.timeIntervalSince1970
        var responses: [Double] = []
        for record in fold.records where !record.merged && record.openedAt >= from && record.openedAt < to {
            if let response = record.firstResponseAt, case let start = record.firstInboundAt ?? record.openedAt, response >= start {
                responses.append(response - start)
            }
        }
        let answers = fold.surveys.filter { $0.at >= from && $0.at < to }
        all = [
            ("busiest-hours.svg", Self.heatmap(report.busiestHours, zone: options.zone.identifier, period: Self.period(options))),
            ("first-response.svg", Self.histogram(responses, period: Self.period(options))),
            ("nps-csat.svg", Self.trend(answers, zone: options.zone, period: Self.period(options))),
        ]
    }

    static func period(_ options: ReportOptions) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = options.zone
        func day(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        return "\(day(options.from)) to \(day(options.to.addingTimeInterval(-1)))"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func document(width: Int, height: Int, title: String, subtitle: String, body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
        <text x="\(width / 2)" y="30" font-size="20" font-weight="bold" text-anchor="middle" fill="#1a1a1a">\(escape(title))</text>
        <text x="\(width / 2)" y="52" font-size="14" text-anchor="middle" fill="#444444">\(escape(subtitle))</text>
        \(body)
        </svg>

        """
    }

    /// 7 × 24 cells, darker for more messages, each cell's count written in it.
    static func heatmap(_ grid: [[Int]], zone: String, period: String) -> String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let cell = 34, left = 70, top = 80
        let maximum = max(1, grid.flatMap { $0 }.max() ?? 0)
        var body = ""
        for (row, hours) in grid.enumerated() {
            body += "<text x=\"\(left - 10)\" y=\(quote(top + row * cell + cell / 2 + 5)) font-size=\"14\" text-anchor=\"end\" fill=\"#1a1a1a\">\(days[row])</text>\n"
            for (hour, count) in hours.enumerated() {
                let share = Double(count) / Double(maximum)
                let shade = count == 0 ? "#f2f2f2" : color(share)
                let x = left + hour * cell, y = top + row * cell
                body += "<rect x=\(quote(x)) y=\(quote(y)) width=\(quote(cell - 2)) height=\(quote(cell - 2)) fill=\"\(shade)\"/>\n"
                if count > 0 {
                    body += "<text x=\(quote(x + cell / 2 - 1)) y=\(quote(y + cell / 2 + 4)) font-size=\"11\" text-anchor=\"middle\" fill=\"\(share > 0.55 ? "#ffffff" : "#1a1a1a")\">\(count)</text>\n"
                }
            }
        }
        for hour in 0..<24 {
            body += "<text x=\(quote(left + hour * cell + cell / 2 - 1)) y=\(quote(top + 7 * cell + 16)) font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(String(format: "%02d", hour))</text>\n"
        }
        let width = left + 24 * cell + 30, height = top + 7 * cell + 70
        body += "<text x=\(quote(left + 12 * cell)) y=\(quote(top + 7 * cell + 42)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\">Hour of day, local time in \(escape(zone))</text>\n"
        body += "<text x=\"18\" y=\(quote(top + 7 * cell / 2)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\" transform=\"rotate(-90 18 \(top + 7 * cell / 2))\">Weekday</text>\n"
        return document(
            width: width, height: height, title: "Busiest hours: inbound messages by weekday and hour",
            subtitle: "\(period), \(zone) (darker: more; most in one hour: \(maximum))", body: body)
    }

    static func color(_ share: Double) -> String {
        // From a light to a dark blue, by share of the busiest cell.
        let light = (222.0, 235.0, 247.0), dark = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * share).rounded()) }
        return String(format: "#%02x%02x%02x", mix(light.0, dark.0), mix(light.1, dark.1), mix(light.2, dark.2))
    }

    static func quote(_ value: Int) -> String { "\"\(value)\"" }

    /// Bars per first-response band, each labelled with its count.
    static func histogram(_ seconds: [Double], period: String) -> String {
        let bands: [(String, Double)] = [
            ("< 5 min", 300), ("5–15 min", 900), ("15–60 min", 3600), ("1–4 h", 14_400), ("4–8 h", 28_800), ("8–24 h", 86_400),
            ("1–3 days", 259_200), ("> 3 days", .infinity),
        ]
        var counts = Array(repeating: 0, count: bands.count)
        for value in seconds { if let band = bands.firstIndex(where: { value < $0.1 }) { counts[band] += 1 } }
        let left = 80, top = 80, plotWidth = 720, plotHeight = 300
        // Whole-number ticks: a step of at least one ticket, the axis ending on a tick.
        let step = max(1, ((counts.max() ?? 0) + 3) / 4)
        let maximum = step * 4
        let barWidth = plotWidth / bands.count
        var body = "<line x1=\(quote(left)) y1=\(quote(top + plotHeight)) x2=\(quote(left + plotWidth)) y2=\(quote(top + plotHeight)) stroke=\"#1a1a1a\"/>\n"
        body += "<line x1=\(quote(left)) y1=\(quote(top)) x2=\(quote(left)) y2=\(quote(top + plotHeight)) stroke=\"#1a1a1a\"/>\n"
        for tick in 0...4 {
            let value = step * tick
            let y = top + plotHeight - plotHeight * tick / 4
            body += "<text x=\(quote(left - 8)) y=\(quote(y + 4)) font-size=\"12\" text-anchor=\"end\" fill=\"#1a1a1a\">\(value)</text>\n"
        }
        for (index, count) in counts.enumerated() {
            let height = plotHeight * count / maximum
            let x = left + index * barWidth + 8
            body += "<rect x=\(quote(x)) y=\(quote(top + plotHeight - height)) width=\(quote(barWidth - 16)) height=\(quote(height)) fill=\"#2b6cb0\"/>\n"
            body += "<text x=\(quote(x + (barWidth - 16) / 2)) y=\(quote(top + plotHeight - height - 6)) font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(count)</text>\n"
            body += "<text x=\(quote(x + (barWidth - 16) / 2)) y=\(quote(top + plotHeight + 18)) font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(escape(bands[index].0))</text>\n"
        }
        body += "<text x=\(quote(left + plotWidth / 2)) y=\(quote(top + plotHeight + 46)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\">Time to first response (wall clock)</text>\n"
        body += "<text x=\"24\" y=\(quote(top + plotHeight / 2)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\" transform=\"rotate(-90 24 \(top + plotHeight / 2))\">Tickets</text>\n"
        if seconds.isEmpty {
            body += "<text x=\(quote(left + plotWidth / 2)) y=\(quote(top + plotHeight / 2)) font-size=\"16\" text-anchor=\"middle\" fill=\"#666666\">No first responses in the period</text>\n"
        }
        return document(
            width: left + plotWidth + 40, height: top + plotHeight + 70, title: "First response times",
            subtitle: "\(period): \(seconds.count) ticket\(seconds.count == 1 ? "" : "s") answered", body: body)
    }

    /// NPS (−100…100) and CSAT (0…100 %) per week, with the number of answers under each week.
    static func trend(_ answers: [SurveyAnswer], zone: TimeZone, period: String) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        var weeks: [Date: (nps: [Int], csat: [Int])] = [:]
        for answer in answers {
            let date = Date(timeIntervalSince1970: answer.at)
            guard let week = calendar.dateInterval(of: .weekOfYear, for: date)?.start else { continue }
            if answer.kind == "nps" { weeks[week, default: ([], [])].nps.append(answer.score) } else { weeks[week, default: ([], [])].csat.append(answer.score) }
        }
        let ordered = weeks.keys.sorted()
        let left = 80, top = 90, plotWidth = 720, plotHeight = 300
        func y(_ value: Double) -> Int { top + Int(Double(plotHeight) * (100 - value) / 200) }  // −100…100
        var body = "<line x1=\(quote(left)) y1=\(quote(top)) x2=\(quote(left)) y2=\(quote(top + plotHeight)) stroke=\"#1a1a1a\"/>\n"
        body += "<line x1=\(quote(left)) y1=\(quote(y(0))) x2=\(quote(left + plotWidth)) y2=\(quote(y(0))) stroke=\"#999999\" stroke-dasharray=\"4 4\"/>\n"
        for value in stride(from: -100, through: 100, by: 50) {
            body += "<text x=\(quote(left - 8)) y=\(quote(y(Double(value)) + 4)) font-size=\"12\" text-anchor=\"end\" fill=\"#1a1a1a\">\(value)</text>\n"
        }
        let step = ordered.count > 1 ? plotWidth / (ordered.count - 1) : 0
        var npsPoints: [String] = [], csatPoints: [String] = []
        for (index, week) in ordered.enumerated() {
            let x = left + (ordered.count > 1 ? index * step : plotWidth / 2)
            let c = calendar.dateComponents([.month, .day], from: week)
            body += "<text x=\(quote(x)) y=\(quote(top + plotHeight + 18)) font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(String(format: "%02d-%02d", c.month ?? 0, c.day ?? 0))</text>\n"
            let entry = weeks[week] ?? ([], [])
            body += "<text x=\(quote(x)) y=\(quote(top + plotHeight + 34)) font-size=\"11\" text-anchor=\"middle\" fill=\"#555555\">n=\(entry.nps.count + entry.csat.count)</text>\n"
            if let nps = NetPromoterScore(entry.nps) {
                npsPoints.append("\(x),\(y(nps.score))")
                body += "<circle cx=\(quote(x)) cy=\(quote(y(nps.score))) r=\"4\" fill=\"#2b6cb0\"/>\n"
            }
            if let csat = SatisfactionScore(entry.csat) {
                csatPoints.append("\(x),\(y(csat.score))")
                body += "<circle cx=\(quote(x)) cy=\(quote(y(csat.score))) r=\"4\" fill=\"#c05621\"/>\n"
            }
        }
        if npsPoints.count > 1 { body += "<polyline points=\"\(npsPoints.joined(separator: " "))\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\"/>\n" }
        if csatPoints.count > 1 { body += "<polyline points=\"\(csatPoints.joined(separator: " "))\" fill=\"none\" stroke=\"#c05621\" stroke-width=\"2\"/>\n" }
        if ordered.isEmpty {
            body += "<text x=\(quote(left + plotWidth / 2)) y=\(quote(top + plotHeight / 2 - 10)) font-size=\"16\" text-anchor=\"middle\" fill=\"#666666\">No survey answers in the period</text>\n"
        }
        body += "<rect x=\(quote(left + plotWidth - 330)) y=\"64\" width=\"12\" height=\"12\" fill=\"#2b6cb0\"/><text x=\(quote(left + plotWidth - 312)) y=\"75\" font-size=\"13\" fill=\"#1a1a1a\">NPS (−100 to 100)</text>\n"
        body += "<rect x=\(quote(left + plotWidth - 120)) y=\"64\" width=\"12\" height=\"12\" fill=\"#c05621\"/><text x=\(quote(left + plotWidth - 102)) y=\"75\" font-size=\"13\" fill=\"#1a1a1a\">CSAT (% 4–5)</text>\n"
        body += "<text x=\(quote(left + plotWidth / 2)) y=\(quote(top + plotHeight + 58)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\">Week starting (Monday, \(escape(zone.identifier)))</text>\n"
        body += "<text x=\"24\" y=\(quote(top + plotHeight / 2)) font-size=\"14\" text-anchor=\"middle\" fill=\"#1a1a1a\" transform=\"rotate(-90 24 \(top + plotHeight / 2))\">Score (NPS; CSAT %)</text>\n"
        return document(
            width: left + plotWidth + 40, height: top + plotHeight + 80, title: "NPS and CSAT by week", subtitle: "\(period): \(answers.count) answers",
            body: body)
    }
}
