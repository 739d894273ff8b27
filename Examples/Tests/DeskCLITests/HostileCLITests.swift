import Conversation
import Foundation
import Testing
import TestSupport

/// Starts `name arguments…` without waiting (for two writers at once).
func start(_ name: String, _ arguments: [String]) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = tool(name)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    return (process, output, errors)
}

@Suite("The example CLIs against hostile input", .serialized)
struct HostileCLITests {
    @Test func numbersOutOfRangeAreUsageErrorsBeforeAnyWork() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("a.mbox")
        try writeMbox([hostileMail(from: "a@a.example", subject: "x", id: "x@a.example", minute: 0, text: "x")], to: mbox)
        let store = folder.appendingPathComponent("s.sqlite").path
        for (command, value) in [("ingest", "9223372036854775808"), ("thread", "18446744073709551615"), ("ingest", "0"),
            ("thread", "9007199254740992")]
        {
            var arguments = [command, mbox.path, "--first-ticket", value]
            if command == "ingest" { arguments += ["--store", store] }
            let result = try run("shop-desk", arguments)
            #expect(result.status == 64, "\(command) --first-ticket \(value): \(result.status) \(result.errors)")
            #expect(result.output.isEmpty && result.errors.contains("--first-ticket"))
        }
        #expect(!FileManager.default.fileExists(atPath: store), "a refused command created the store")
        let largest = try run("shop-desk", ["thread", mbox.path, "--first-ticket", "9007199254740991"])
        #expect(largest.status == 0 && largest.output.contains("\"thread\": \"9007199254740991\""))
        #expect(try run("shop-desk", ["ingest", mbox.path, "--store", store, "--batch", "0"]).status == 64)
    }

    @Test func aQueryThatBeginsWithADashIsAQueryNeverTheHelp() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("a.mbox")
        try writeMbox([
            hostileMail(from: "a@a.example", subject: "Greeting", id: "h@a.example", minute: 0, text: "hello there"),
            hostileMail(from: "b@b.example", subject: "Morning", id: "m@b.example", minute: 1, text: "good morning"),
        ], to: mbox)
        let store = folder.appendingPathComponent("s.sqlite").path
        #expect(try run("shop-desk", ["ingest", mbox.path, "--store", store]).status == 0)
        let dashed = try run("shop-desk", ["search", "-hello", "--store", store])
        #expect(dashed.status == 0 && !dashed.output.contains("USAGE"), "\(dashed.output)")
        #expect(dashed.lines.count == 1 && dashed.output.contains("m@b.example"))
        let separated = try run("shop-desk", ["search", "--store", store, "--", "-hello"])
        #expect(separated.status == 0 && separated.output == dashed.output)
        let help = try run("shop-desk", ["search", "-h"])
        #expect(help.status == 0 && help.output.contains("USAGE"), "-h alone is still the help")
        #expect(try run("shop-desk", ["search", "--store", store]).status == 64, "no query is a usage error")
        #expect(try run("account-desk", ["search", "-hello", "--store", store]).status == 0)
    }

    @Test func privacyRequestsResolveThePersonAndARequestForNobodyChangesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("a.mbox")
        try writeMbox([
            hostileMail(from: "victim@v.example", subject: "Help", id: "v1@v.example", minute: 0, text: "Please help with order 1"),
            hostileMail(from: "victim@v.example", subject: "Re: Help", id: "v2@v.example", minute: 1, text: "Still waiting"),
            hostileMail(from: "bystander@v.example", subject: "Other", id: "b1@v.example", minute: 2, text: "Unrelated help"),
        ], to: mbox)
        let store = folder.appendingPathComponent("s.sqlite").path
        #expect(try run("shop-desk", ["ingest", mbox.path, "--store", store]).status == 0)

        let nobody = try run("shop-desk", ["privacy", "erase", "nobody@v.example", "--store", store])
        #expect(nobody.status == 67 && nobody.errors.contains("no such customer"))
        let exported = try run("shop-desk", ["privacy", "export", "Victim@V.Example", "--store", store])
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("v1@v.example") && exported.output.contains("v2@v.example"))
        #expect(!exported.output.contains("b1@v.example"))
        let party = try run("shop-desk", ["search", "help", "--party", "VICTIM@v.example", "--store", store])
        #expect(party.status == 0 && party.lines.count == 2 && !party.output.contains("b1@v.example"), "\(party.output)")
        #expect(try run("shop-desk", ["search", "help", "--party", "nobody@v.example", "--store", store]).status == 67)

        let erased = try run("shop-desk", ["privacy", "erase", "Victim@V.Example", "--store", store])
        #expect(erased.status == 0, "\(erased.errors)")
        #expect(erased.lines.first?.hasPrefix("person\tvictim@v.example\t") == true)
        #expect(erased.errors.contains("victim@v.example") && erased.errors.contains("deleted"))
        let left = try run("shop-desk", ["export", "--store", store])
        #expect(left.lines.count == 1 && left.output.contains("b1@v.example"))
        #expect(try run("shop-desk", ["privacy", "erase", "victim@v.example", "--store", store]).status == 67, "erased: nobody now")
    }

    @Test func liveIngestHoldsASpoofedDeskReplyAndExportListsEveryMessage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("a.mbox")
        try writeMbox([
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "a1@a.example", minute: 0, text: "My kettle broke."),
            hostileMail(
                from: "support@shop.example", to: "alice@a.example", subject: "Re: Broken kettle", id: "forged@m.example", minute: 5,
                text: "Pay to this account.", extra: ["In-Reply-To: <a1@a.example>", "Reply-To: mallory@m.example"]),
            hostileMail(from: "mallory@m.example", subject: "Hi", id: "a1@a.example", minute: 6, text: "Squat."),
        ], to: mbox)
        let store = folder.appendingPathComponent("s.sqlite").path
        let ingest = try run("shop-desk", ["ingest", mbox.path, "--store", store, "--desk-address", "support@shop.example"])
        #expect(ingest.status == 0 && ingest.errors.contains("2 stored") && ingest.errors.contains("1 held as suspicious"), "\(ingest.errors)")
        let held = try run("shop-desk", ["held", "--store", store])
        let line = try #require(JSONSerialization.jsonObject(with: Data(held.output.utf8)) as? [String: Any])
        #expect(Set(line.keys) == ["message_id", "from", "reply_to", "to", "party", "subject", "at", "reason"])
        #expect(line["reply_to"] as? String == "mallory@m.example" && line["party"] as? String == "alice@a.example")

        let export = try run("shop-desk", ["export", "--store", store, "--format", "jsonl"])
        #expect(export.status == 0)
        let rows = try export.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { Set($0.keys) == ["message_id", "thread", "party", "channel", "direction", "at", "text"] })
        #expect(rows[0]["message_id"] == "a1@a.example" && rows[0]["party"] == "alice@a.example" && rows[0]["direction"] == "inbound")
        #expect(rows[1]["message_id"]?.hasPrefix("a1@a.example#") == true && rows[1]["party"] == "mallory@m.example")
        #expect(rows[0]["thread"] != rows[1]["thread"] && rows[0]["at"] == "2026-10-26T07:33:20Z")

        // Erasing Alice removes the held mail addressed to her with her.
        #expect(try run("shop-desk", ["privacy", "erase", "alice@a.example", "--store", store]).status == 0)
        #expect(try run("shop-desk", ["held", "--store", store]).output.isEmpty)

        // --history trusts the desk's From (a mailbox of the desk's own sent mail).
        let history = folder.appendingPathComponent("h.sqlite").path
        let trusted = try run("shop-desk", ["ingest", mbox.path, "--store", history, "--desk-address", "support@shop.example", "--history"])
        #expect(trusted.status == 0 && trusted.errors.contains("3 stored"), "\(trusted.errors)")
        let b2b = try run("account-desk", ["export", "--store", history])
        #expect(b2b.lines.first.map { $0.contains("\"account\"") } == true)
    }

    @Test func badPathsAreNamedBeforeOutputAndBadMaildirEntriesAreSkipped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("good.mbox")
        try writeMbox((0..<50).map { hostileMail(from: "c\($0)@c.example", subject: "S\($0)", id: "m\($0)@c.example", minute: $0, text: "t") }, to: mbox)
        let missing = try run("shop-desk", ["thread", mbox.path, "/nonexistent/mail"])
        #expect(missing.status == 66 && missing.output.isEmpty && missing.errors.contains("/nonexistent/mail"))

        let maildir = folder.appendingPathComponent("Maildir")
        let cur = maildir.appendingPathComponent("cur")
        try FileManager.default.createDirectory(at: cur, withIntermediateDirectories: true)
        try "From: a@a.example\nSubject: x\nMessage-ID: <ok@a.example>\n\nHello\n".write(to: cur.appendingPathComponent("1"), atomically: true, encoding: .utf8)
        #expect(mkfifo(cur.appendingPathComponent("2").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: cur.appendingPathComponent("3"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cur.appendingPathComponent("4").path, withDestinationPath: "4")
        let threaded = try run("shop-desk", ["thread", maildir.path])
        #expect(threaded.status == 0 && threaded.lines.count == 1 && threaded.output.contains("ok@a.example"))
        for name in ["2", "3", "4"] { #expect(threaded.errors.contains("cur/\(name)")) }
    }

    /// Two `shop-desk ingest` processes on one store, the second started 0–0.5 s after the first,
    /// 20 times, on overlapping mail: every message once, every conversation one ticket of its
    /// own customer, every word findable.
    @Test func twoIngestProcessesStartedAtOffsetsNeverMixSplitOrLose() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func mail(_ conversation: Int, _ position: Int) -> RawMail {
            hostileMail(
                from: "customer\(conversation % 23)@example.org", subject: "\(position == 0 ? "" : "Re: ")Question \(conversation)",
                id: "q\(conversation)-\(position)@example.org", minute: conversation * 3 + position,
                text: "Message \(position) about order \(conversation) and a parcel.",
                extra: position == 0 ? [] : ["In-Reply-To: <q\(conversation)-\(position - 1)@example.org>"])
        }
        let first = folder.appendingPathComponent("first.mbox")
        let second = folder.appendingPathComponent("second.mbox")
        try writeMbox((0..<40).flatMap { c in (0..<3).map { mail(c, $0) } }, to: first)
        try writeMbox((20..<60).flatMap { c in (0..<3).map { mail(c, $0) } }, to: second)
        let total = 60 * 3
        for run in 0..<20 {
            let store = folder.appendingPathComponent("two-\(run).sqlite").path
            let one = try start("shop-desk", ["ingest", first.path, "--store", store, "--batch", "4"])
            try await Task.sleep(nanoseconds: UInt64(Double(run) / 19 * 0.5 * 1e9))
            let two = try start("shop-desk", ["ingest", second.path, "--store", store, "--batch", "4"])
            for (process, _, errors) in [one, two] {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "run \(run): \(message)")
            }
            let export = try runTool("shop-desk", ["export", "--store", store])
            let rows = export.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            #expect(rows.count == total, "run \(run): \(rows.count) messages")
            #expect(Set(rows.compactMap { $0["message_id"] }).count == total, "run \(run): a message twice")
            var threadOf: [Int: Set<String>] = [:]
            var partiesOf: [String: Set<String>] = [:]
            for row in rows {
                guard let id = row["message_id"], let thread = row["thread"], let party = row["party"] else { continue }
                let conversation = Int(id.dropFirst().prefix { $0 != "-" }) ?? -1
                threadOf[conversation, default: []].insert(thread)
                partiesOf[thread, default: []].insert(party)
            }
            #expect(threadOf.values.allSatisfy { $0.count == 1 }, "run \(run): a conversation split")
            #expect(Set(threadOf.values.compactMap(\.first)).count == 60, "run \(run): two conversations in one ticket")
            #expect(partiesOf.values.allSatisfy { $0.count == 1 }, "run \(run): a ticket with two customers")
            let one1 = try runTool("shop-desk", ["search", "parcel", "--store", store, "--limit", "1000"]).lines.count
            let two2 = try runTool("shop-desk", ["search", "parcel order", "--store", store, "--limit", "1000"]).lines.count
            #expect(one1 == total && two2 == total, "run \(run): every word findable (\(one1), \(two2))")
        }
    }
}

/// ``run(_:_:)`` by another name, for use where a local variable is called `run`.
func runTool(_ name: String, _ arguments: [String]) throws -> ToolRun { try run(name, arguments) }
