// A desk in a child process, for the tests that need a second process or a kill -9:
// the two-writer test runs two of these on one store, the crash test kills one mid-act.
// After each act returns (its transaction committed) it prints one line, unbuffered.
//
// usage:
//   desk-writer ingest STORE FIRST COUNT [reverse] [BATCH]   mails of `conversationMail`: "committed ID THREAD"
//   desk-writer acts STORE SEED COUNT                        random agents' acts: "committed N SEQUENCE" or "refused N"
//   desk-writer erase STORE PARTY...                         erasures: "committed PARTY"
import Conversation
import CustomerModel
import Foundation
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import TestSupport

/// Mail `index` of the generated traffic: conversation `index / 3`, message `index % 3` of it
/// (a question, a reply to it, a reply to the reply), from customer `conversation % 50`, with
/// a subject of its own, so each conversation is exactly one ticket.
func conversationMail(_ index: Int) -> RawMail {
    let conversation = index / 3
    let position = index % 3
    let customer = "customer\(conversation % 50)@example.org"
    var headers = """
        From: \(customer)
        To: support@shop.example
        Subject: \(position == 0 ? "" : "Re: ")Question \(conversation)
        Date: \(dateHeader(index))
        Message-ID: <q\(conversation)-\(position)@example.org>
        """
    if position > 0 {
        headers += "\nIn-Reply-To: <q\(conversation)-\(position - 1)@example.org>"
        headers += "\nReferences: " + (0..<position).map { "<q\(conversation)-\($0)@example.org>" }.joined(separator: " ")
    }
    return RawMail(bytes: Array((headers + "\n\nMessage \(position) about order \(conversation) and a parcel.\n").utf8), source: "gen")
}

func dateHeader(_ index: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return formatter.string(from: Date(timeIntervalSince1970: 1_750_000_000 + Double(index) * 60))
}

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("desk-writer: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: desk-writer ingest|acts|erase STORE …") }
let store: SQLiteSupportStore
do { store = try SQLiteSupportStore(path: arguments[2], options: .init()) } catch { fail("\(error)") }
let desk = Desk(
    store: store, directory: SingleBuyerDeskDirectory(),
    deskAddresses: Set([(try? ContactPoint.email("support@shop.example"))].compactMap { $0 }))

do {
    switch arguments[1] {
    case "ingest":
        guard arguments.count >= 5, let first = Int(arguments[3]), let count = Int(arguments[4]) else { fail("ingest STORE FIRST COUNT") }
        var order = Array(first..<(first + count))
        if arguments.count > 5, arguments[5] == "reverse" { order.reverse() }
        let batch = arguments.count > 6 ? max(1, Int(arguments[6]) ?? 1) : 1
        var start = 0
        while start < order.count {
            let slice = Array(order[start..<min(start + batch, order.count)])
            let outcomes = try await desk.ingest(slice.map(conversationMail))
            for outcome in outcomes {
                switch outcome {
                case .stored(let intake): say("committed \(intake.message.id.rawValue) \(intake.assignment.thread.rawValue)")
                case .duplicate(let id, let thread): say("committed \(id.rawValue) \(thread.rawValue)")
                case .rejected(let error): fail("\(error)")
                case .held(let held): fail("held \(held.messageID)")
                }
            }
            start += batch
        }
    case "acts":
        guard arguments.count == 5, let seed = UInt64(arguments[3]), let count = Int(arguments[4]) else { fail("acts STORE SEED COUNT") }
        var random = SplitMix64(seed: seed)
        for step in 0..<count {
            let tickets = UInt64(200)
            let a = ThreadID(1 + random.next() % tickets)
            let b = ThreadID(1 + random.next() % tickets)
            let now = Date(timeIntervalSince1970: 1_760_000_000 + Double(step))
            do {
                let events: [Int64]
                switch random.next() % 7 {
                case 0, 1: events = try await desk.merge(a, into: b, agent: "crash", at: now)
                case 2: events = try await desk.undoMerge(a, agent: "crash", at: now)
                case 3:
                    let messages = try await store.thread(a)?.messageIDs ?? []
                    guard let first = messages.first else { throw StorageError.refused("empty") }
                    _ = try await desk.split([first], from: a, agent: "crash", at: now)
                    events = [try await store.events(after: 0, limit: 1_000_000).last?.sequence ?? 0]
                case 4: events = try await desk.undoSplit(a, agent: "crash", at: now)
                case 5: events = try await desk.update(a, status: ThreadStatus.solved, addTags: ["t\(step % 5)"], agent: "crash", at: now)
                default:
                    events = try await desk.mergeIdentity(
                        PartyID("customer\(a.rawValue % 50)@example.org"), into: PartyID("customer\(b.rawValue % 50)@example.org"),
                        agent: "crash", reason: "test", at: now)
                }
                say("committed \(step) \(events.last ?? 0)")
            } catch {
                say("refused \(step)")
            }
        }
    case "erase":
        let rules = try PrivacyRules(policy: PrivacyPolicy())
        let executor = StorePrivacyExecutor(store: store)
        for party in arguments.dropFirst(3) {
            let records = try await executor.personalDataRecords(of: PartyID(party))
            _ = try await executor.apply(rules.erasure(of: PartyID(party), records: records, holds: [], at: Date()).actions)
            say("committed \(party)")
        }
    default: fail("unknown mode \(arguments[1])")
    }
} catch {
    fail("\(error)")
}
