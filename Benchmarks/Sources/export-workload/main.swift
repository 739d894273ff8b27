import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import SupportWorkload

// Writes the threading workload as JSON Lines for the Python JWZ baseline:
//   swift run -c release export-workload 1000000 > /tmp/threads-1M.jsonl
// or, with --score, threads it and prints exact quality and throughput figures:
//   swift run -c release export-workload 1000000 --score
// or, with --score-store, threads it through the desk over a SQLite store (the system-of-record
// path: ThreadingRules over the stored index, 5,000 messages per transaction) and scores that:
//   swift run -c release export-workload 100000 --score-store
// or, with --parse, splits and parses it as an mbox and prints MB/s:
//   swift run -c release export-workload 100000 --parse
// or, with --mbox FILE, writes that mbox (for shop-desk ingest at scale):
//   swift run -c release export-workload 100000 --mbox /tmp/workload-100k.mbox
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let workload = SupportMailWorkload(count: count, seed: 7)
if CommandLine.arguments.contains("--score") {
    var engine = HelpdeskThreading()
    engine.reserveCapacity(messages: count)
    let directory = workload.directory()
    let clock = ContinuousClock()
    let elapsed = clock.measure { _ = engine.assign(contentsOf: workload.messages, directory: directory) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let score = PairwiseScore(predicted: engine.assignments, truth: workload.truth)
    print(String(format: "HelpdeskThreading: %d messages in %.3f s = %.0fk msg/s; %d bytes/message; precision %.5f recall %.5f F1 %.5f",
        count, seconds, Double(count) / seconds / 1000, engine.approximateByteCount / count, score.precision, score.recall, score.f1))
    exit(0)
}
if CommandLine.arguments.contains("--score-store") {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("score-store-\(getpid()).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    do {
        let store = try SQLiteSupportStore(path: path)
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
        try await desk.save(workload.customers.map { .customer(Customer(id: $0, profile: PartyProfile(displayName: $0.rawValue))) })
            let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            var start = 0
            while start < workload.messages.count {
                _ = try await desk.ingest(Array(workload.messages[start..<min(start + 5_000, workload.messages.count)]))
                start += 5_000
            }
        }
        var predicted: [ThreadID] = []
        for message in workload.messages { predicted.append(try await store.message(message.id)?.thread ?? ThreadID(0)) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let score = PairwiseScore(predicted: predicted, truth: workload.truth)
        print(String(format: "Desk over SQLite: %d messages in %.3f s = %.1fk msg/s; precision %.5f recall %.5f F1 %.5f",
            count, seconds, Double(count) / seconds / 1000, score.precision, score.recall, score.f1))
        try await store.close()
    } catch {
        FileHandle.standardError.write(Data("export-workload: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if let flag = CommandLine.arguments.firstIndex(of: "--mbox"), flag + 1 < CommandLine.arguments.count {
    let path = CommandLine.arguments[flag + 1]
    guard FileManager.default.createFile(atPath: path, contents: Data(workload.mbox())) else {
        FileHandle.standardError.write(Data("export-workload: cannot write \(path)\n".utf8))
        exit(73)
    }
    exit(0)
}
if CommandLine.arguments.contains("--parse") {
    // Mail parsing throughput on the same corpus rendered as an mbox (split + parse).
    let mbox = workload.mbox()
    let parser = MailParser()
    let clock = ContinuousClock()
    var parsed = 0
    let elapsed = clock.measure {
        for raw in MailboxReader.mbox(mbox, path: "workload.mbox") where (try? parser.parse(raw.bytes)) != nil { parsed += 1 }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "MailParser: %d messages, %.1f MB in %.3f s = %.0f MB/s", parsed, Double(mbox.count) / 1e6, seconds,
        Double(mbox.count) / 1e6 / seconds))
    exit(0)
}
var out = ""
out.reserveCapacity(count * 200)
let encoder = JSONEncoder()
struct Line: Encodable {
    let message_id: String
    let in_reply_to: [String]
    let references: [String]
    let subject: String
    let party: String
    let truth: Int32
}
for (message, truth) in zip(workload.messages, workload.truth) {
    let line = Line(
        message_id: message.id.rawValue, in_reply_to: message.headers.inReplyTo, references: message.headers.references,
        subject: message.subject, party: message.party?.rawValue ?? "", truth: truth)
    if let data = try? encoder.encode(line), let text = String(data: data, encoding: .utf8) { out += text + "\n" }
    if out.utf8.count > 1 << 20 {
        FileHandle.standardOutput.write(Data(out.utf8))
        out.removeAll(keepingCapacity: true)
    }
}
FileHandle.standardOutput.write(Data(out.utf8))
