import Foundation
import KPIWorkload
import Metrics
import Storage

// Writes the KPI workload as CSV for scripts/kpi_peers.py (DuckDB), and times SupportKit's fold
// and report over the same events in the same process:
//   swift run -c release export-kpi-workload 10000000 /tmp/kpi-10M.csv
// Columns: sequence,at,thread,party,kind,agent,channel,language,score,to_status
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let path = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "/tmp/kpi-workload.csv"
let workload = KPIWorkload(events: count)
var text = "sequence,at,thread,party,kind,agent,channel,language,score,to_status\n"
let export = path != "none"  // `none`: only time the fold and the report
text.reserveCapacity(count * 60)
for item in export ? workload.events : [] {
    let event = item.event
    var kind = "", agent = "", score = "", status = ""
    switch event.kind {
    case .threadOpened: kind = "opened"
    case .received: kind = "received"
    case .replied(_, let who):
        kind = "replied"
        agent = who?.rawValue ?? ""
    case .statusChanged(_, let to):
        kind = "status"
        status = to.rawValue
    case .surveyAnswered(let survey, let value):
        kind = survey
        score = String(value)
    case .tagsChanged: kind = "tags"
    default: kind = "other"
    }
    let channel = item.message.map { KPIFold.channelName($0.channel) } ?? ""
    text += "\(event.sequence),\(event.at.timeIntervalSince1970),\(event.thread?.rawValue ?? 0),\(event.party?.rawValue ?? ""),\(kind),\(agent),\(channel),\(item.message?.language ?? ""),\(score),\(status)\n"
}
if export { FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) }
let clock = ContinuousClock()
/// The fold of the whole log, timed (a local: top-level globals are reached through accessors).
func timedFold(_ events: [MetricsEvent]) -> (KPIFold, Duration) {
    var fold = KPIFold()
    let start = clock.now
    fold.fold(events)
    return (fold, clock.now - start)
}
let (fold, folded) = timedFold(workload.events)
let from = Date(timeIntervalSince1970: 1_780_000_000), to = Date(timeIntervalSince1970: 1_800_000_000)
var report: KPIReport?
let reported = clock.measure {
    report = KPIReport(fold, options: ReportOptions(from: from, to: to, zone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt), party: { _ in PartyFacts() })
}
func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
let first = report?.overall.firstResponse?.wall
print(String(
    format: "SupportKit: fold %d events %.3f s (%.1f M events/s), report %.3f s; first response p50 %.0f p90 %.0f p99 %.0f; NPS %.2f; %@",
    workload.events.count, seconds(folded), Double(workload.events.count) / seconds(folded) / 1e6, seconds(reported),
    first?.p50 ?? -1, first?.p90 ?? -1, first?.p99 ?? -1, report?.overall.nps?.score ?? .nan, path))
