import Foundation

extension KPIReport {
    /// The report as JSON-ready values, with the keys docs/formats.md documents ("Report"):
    /// a KPI with no data is `NSNull` (JSON `null`), never 0.
    public func jsonObject() -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        var object = Self.groupObject(overall)
        object["period"] = [
            "from": formatter.string(from: options.from), "to": formatter.string(from: options.to), "zone": options.zone.identifier,
        ]
        object["top_complaints"] = topComplaints.mapValues { terms in terms.map { ["term": $0.term, "count": $0.count, "change": $0.change] } }
        object["busiest_hours"] = ["zone": options.zone.identifier, "counts": busiestHours] as [String: Any]
        object["by_dimension"] = options.by?.rawValue ?? NSNull()
        object["by"] = options.by == nil ? NSNull() : groups.mapValues { Self.groupObject($0) }
        return object
    }

    /// The report as JSON text (sorted keys).
    public func json() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: jsonObject(), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func groupObject(_ group: KPIGroup) -> [String: Any] {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        func duration(_ kpi: DurationKPI?) -> Any {
            guard let kpi else { return NSNull() }
            return [
                "count": kpi.wall.count, "mean_s": rounded(kpi.wall.mean), "p50_s": kpi.wall.p50, "p90_s": kpi.wall.p90,
                "p99_s": kpi.wall.p99, "business_p50_s": null(kpi.business?.p50), "business_p90_s": null(kpi.business?.p90),
                "business_p99_s": null(kpi.business?.p99), "business_mean_s": null(kpi.business.map { rounded($0.mean) }),
            ] as [String: Any]
        }
        func summary(_ value: DurationSummary?) -> Any {
            guard let value else { return NSNull() }
            return ["count": value.count, "mean_s": rounded(value.mean), "p50_s": value.p50, "p90_s": value.p90, "p99_s": value.p99]
        }
        return [
            "threads": group.threads, "messages": ["inbound": group.inbound, "outbound": group.outbound],
            "first_response": duration(group.firstResponse), "bot_first_answer": summary(group.botFirstAnswer),
            "next_reply": duration(group.nextReply), "resolution": duration(group.resolution),
            "wait_on_customer": summary(group.waitOnCustomer), "on_hold": summary(group.onHold),
            "resolved": group.resolved, "one_touch": group.oneTouch, "reopened": group.reopened,
            "repeat_contact": ["count": group.repeatContacts, "rate": null(group.repeatRate.map(rounded))] as [String: Any],
            "sla": group.sla.mapValues { ["met": $0.met, "breached": $0.breached, "attainment": null($0.rate.map(rounded))] as [String: Any] },
            "nps": group.nps.map {
                ["score": rounded($0.score), "promoters": $0.promoters, "passives": $0.passives, "detractors": $0.detractors, "responses": $0.responses]
                    as [String: Any]
            } ?? NSNull(),
            "csat": group.csat.map { ["score": rounded($0.score), "responses": $0.responses] as [String: Any] } ?? NSNull(),
        ]
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// The report as CSV (RFC 4180): `group,kpi,value` rows, one per number; `group` is `all`
    /// or a value of the `--by` dimension; a KPI without data has an empty value.
    public func csv() -> String {
        var rows = ["group,kpi,value"]
        func flatten(_ prefix: String, _ value: Any, group: String) {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() { flatten(prefix.isEmpty ? key : "\(prefix).\(key)", object[key] ?? NSNull(), group: group) }
            case let list as [Any]:
                for (index, item) in list.enumerated() { flatten("\(prefix)[\(index)]", item, group: group) }
            case is NSNull: rows.append("\(Self.field(group)),\(Self.field(prefix)),")
            default: rows.append("\(Self.field(group)),\(Self.field(prefix)),\(Self.field("\(value)"))")
            }
        }
        var overallObject = jsonObject()
        overallObject["by"] = nil
        overallObject["by_dimension"] = nil
        flatten("", overallObject, group: "all")
        for name in groups.keys.sorted() {
            if let group = groups[name] { flatten("", Self.groupObject(group), group: name) }
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    private static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The report for people: the headline KPIs, top complaints and the busiest hour.
    public func text() -> String {
        let formatter = ISO8601DateFormatter()
        var lines = ["KPIs \(formatter.string(from: options.from)) – \(formatter.string(from: options.to)) (\(options.zone.identifier))"]
        func add(_ name: String, _ group: KPIGroup, indent: String = "") {
            func time(_ seconds: Double) -> String {
                let total = Int(seconds.rounded())
                return total >= 3600 ? "\(total / 3600)h \(String(format: "%02d", (total % 3600) / 60))m" : "\(total / 60)m \(String(format: "%02d", total % 60))s"
            }
            func duration(_ kpi: DurationKPI?) -> String {
                guard let kpi else { return "—" }
                let business = kpi.business.map { ", business p50 \(time($0.p50)) p90 \(time($0.p90))" } ?? ""
                return "p50 \(time(kpi.wall.p50)) p90 \(time(kpi.wall.p90)) p99 \(time(kpi.wall.p99)) (n=\(kpi.wall.count))\(business)"
            }
            lines.append("\(indent)\(name): \(group.threads) tickets, \(group.inbound) in / \(group.outbound) out")
            lines.append("\(indent)  first response  \(duration(group.firstResponse))")
            lines.append("\(indent)  next reply      \(duration(group.nextReply))")
            lines.append("\(indent)  resolution      \(duration(group.resolution))")
            lines.append("\(indent)  resolved \(group.resolved), one-touch \(group.oneTouch), reopened \(group.reopened), repeat contacts \(group.repeatContacts)")
            for (target, attainment) in group.sla.sorted(by: { $0.key < $1.key }) {
                lines.append("\(indent)  SLA \(target): \(attainment.met) met, \(attainment.breached) breached")
            }
            let nps = group.nps.map { String(format: "%.1f", $0.score) + " (n=\($0.responses))" } ?? "—"
            let csat = group.csat.map { String(format: "%.1f%%", $0.score) + " (n=\($0.responses))" } ?? "—"
            lines.append("\(indent)  NPS \(nps), CSAT \(csat)")
        }
        add("all", overall)
        for name in groups.keys.sorted() { if let group = groups[name] { add(name, group, indent: "  ") } }
        for (language, terms) in topComplaints.sorted(by: { $0.key < $1.key }) {
            lines.append("top complaints [\(language)]: " + terms.prefix(5).map { "\($0.term) \($0.count) (\($0.change >= 0 ? "+" : "")\($0.change))" }.joined(separator: ", "))
        }
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        if let (day, hour, count) = busiestHours.enumerated().flatMap({ day, hours in hours.enumerated().map { (day, $0.offset, $0.element) } })
            .max(by: { $0.2 < $1.2 }), count > 0
        {
            lines.append("busiest hour: \(days[day]) \(String(format: "%02d", hour)):00–\(String(format: "%02d", (hour + 1) % 24)):00, \(count) inbound")
        }
        return lines.joined(separator: "\n")
    }
}
