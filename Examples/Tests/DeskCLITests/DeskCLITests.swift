import Conversation
import Foundation
import Testing
import TestSupport

/// What one run of a CLI printed, and how it ended.
struct ToolRun {
    var status: Int32
    var output: String
    var errors: String

    var lines: [String] { output.split(separator: "\n").map(String.init) }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(output.utf8)) }
}

/// Runs `name arguments…` in the repository root (so Examples/ resolves).
func run(_ name: String, _ arguments: [String]) throws -> ToolRun {
    let process = Process()
    process.executableURL = tool(name)
    process.arguments = arguments
    process.currentDirectoryURL = supportKitRoot
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolRun(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
}

@Suite("The example CLIs")
struct DeskCLITests {
    let policy = examples.deletingLastPathComponent().appendingPathComponent("policies/shop.yaml").path

    @Test func aBadLineWritesNothingUnlessSkippedAndEveryLineIsNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let file = folder.appendingPathComponent("events.jsonl")
        try """
            {"id": "e1", "channel": "chat", "at": "2026-11-17T09:05:00+01:00", "from": {"email": "anna@example.se"}, "text": "Hej"}
            {"id": "e2", "channel": "chat", "at": "2026-11-17T09:06:00+01:00", "from": {"email": "anna@example.se"}}
            {"id": "e3", "channel": "chat", "at": "yesterday", "from": {"email": "anna@example.se"}, "text": "x"}
            {"id": "e4", "channel": "fax", "at": "2026-11-17T09:07:00+01:00", "from": {"email": "anna@example.se"}, "text": "x"}
            {"id": "e1", "channel": "chat", "at": "2026-11-17T09:05:00+01:00", "from": {"email": "anna@example.se"}, "text": "Other"}
            {"id": "e5", "channel": "sms", "at": "2026-11-17T09:08:00+01:00", "from": {"phone": "070-123 45 67"}, "text": "Via sms"}
            not json
            """.write(to: file, atomically: true, encoding: .utf8)
        let refused = try run("shop-desk", ["import", file.path, "--store", store, "--region", "SE"])
        #expect(refused.status == 65)
        for line in [2, 3, 4, 5, 7] { #expect(refused.errors.contains("events.jsonl: line \(line):"), "line \(line) not named: \(refused.errors)") }
        #expect(!refused.errors.contains("events.jsonl: line 1:") && !refused.errors.contains("events.jsonl: line 6:"))
        let nothing = try run("shop-desk", ["events", "--store", store])
        #expect(nothing.lines.isEmpty, "a refused file writes nothing")

        let skipped = try run("shop-desk", ["import", file.path, "--store", store, "--region", "SE", "--skip-bad", "--explain"])
        #expect(skipped.status == 0, "\(skipped.errors)")
        let placed = try skipped.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(placed.map { $0["message_id"] } == ["e1", "e5"])
        #expect(placed.allSatisfy { Set($0.keys).isSuperset(of: ["message_id", "thread", "party", "rule", "evidence"]) })
        #expect(placed[1]["thread"] != placed[0]["thread"], "another customer's SMS is another conversation")
        // Again: idempotent; the same id with other content is a bad line against the store too.
        let again = try run("shop-desk", ["import", file.path, "--store", store, "--region", "SE", "--skip-bad", "--explain"])
        #expect(again.lines.compactMap { $0.contains("\"known_message_id\"") ? $0 : nil }.count == 2)
    }

    @Test func aBadCustomerEntryImportsNothingAndAGoodFileImportsOnce() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let file = folder.appendingPathComponent("customers.json")
        try """
            [{"id": "c-1", "name": "Anna", "emails": ["anna@example.se"]},
             {"id": "c-2", "name": "Bo", "phones": ["not a number"]},
             {"id": "c-3", "name": "Cai", "timeZone": "Mars/Olympus"}]
            """.write(to: file, atomically: true, encoding: .utf8)
        let refused = try run("shop-desk", ["customers", "import", file.path, "--store", store, "--region", "SE"])
        #expect(refused.status == 65)
        #expect(refused.errors.contains("c-2") && refused.errors.contains("c-3"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: store), "nothing imported: the store was never created")
        try """
            [{"id": "c-1", "name": "Anna", "emails": ["anna@example.se"], "phones": ["070-123 45 67"]},
             {"id": "c-2", "name": "A. Guest", "phones": ["+46701234567"]}]
            """.write(to: file, atomically: true, encoding: .utf8)
        let first = try run("shop-desk", ["customers", "import", file.path, "--store", store, "--region", "SE"])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.lines.count == 2 && first.lines[1].contains("\"into\":\"c-1\""), "the shared phone merges the guest into c-1: \(first.output)")
        let again = try run("shop-desk", ["customers", "import", file.path, "--store", store, "--region", "SE"])
        #expect(again.lines.allSatisfy { $0.contains("\"unchanged\"") && $0.contains("\"merged\":[]") }, "\(again.output)")
    }

    @Test func theAgentsCommandsReplyShowQueueAndRefundThroughTheStore() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let outbox = folder.appendingPathComponent("outbox").path
        let data = examples.path
        #expect(try run("shop-desk", ["ingest", "\(data)/shop.mbox", "--store", store, "--desk-address", "support@shop.example", "--first-ticket", "1001", "--history"]).status == 0)
        #expect(try run("shop-desk", ["customers", "import", "\(data)/customers.json", "--store", store, "--region", "SE"]).status == 0)
        let imported = try run("shop-desk", [
            "import", "\(data)/events.jsonl", "--store", store, "--region", "SE", "--policy", policy, "--agents", "\(data)/agents.json",
            "--catalog", "\(data)/catalog.json",
        ])
        #expect(imported.status == 0, "\(imported.errors)")

        // The reply: a Maildir file, parsed back by the project's parser.
        let reply = try run("shop-desk", [
            "reply", "1001", "--channel", "email", "--template", "refunds.issued", "--set", "order=O-5512", "--set", "amount=899.00 SEK",
            "--set", "days=3", "--agent", "agent-7", "--store", store, "--outbox", outbox, "--now", "2026-11-18T10:30:00+01:00",
        ])
        #expect(reply.status == 0, "\(reply.errors)")
        let path = reply.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.contains("/new/"))
        let mail = try MailParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(mail.subject.hasSuffix("[#1001]"))
        #expect(mail.text.contains("899,00"))
        // A chat thread's reply is an outbound event in the intake format; importing it again changes nothing.
        let chatReply = try run("shop-desk", [
            "reply", "1001", "--channel", "chat", "--template", "orders.delay", "--set", "order=O-5601", "--set", "days=2",
            "--set", "date=2026-11-22", "--agent", "agent-7", "--store", store, "--outbox", outbox,
        ])
        #expect(chatReply.status == 0, "\(chatReply.errors)")
        #expect(chatReply.output.contains("outbox.jsonl"))
        let reimport = try run("shop-desk", ["import", "\(outbox)/outbox.jsonl", "--store", store, "--explain"])
        #expect(reimport.status == 0, "\(reimport.errors)")
        #expect(reimport.output.contains("known_message_id"))

        let show = try run("shop-desk", ["show", "1001", "--store", store, "--format", "json", "--now", "2026-11-18T11:00:00+01:00"])
        let view = try #require(try show.json() as? [String: Any])
        #expect(Set(view.keys).isSuperset(of: ["thread", "status", "party", "profile", "messages", "sla", "suggestions"]))
        let messages = try #require(view["messages"] as? [[String: Any]])
        #expect(Set(messages.compactMap { $0["channel"] as? String }).isSuperset(of: ["email", "chat", "phone"]))
        #expect(messages.allSatisfy { Set($0.keys).isSuperset(of: ["message_id", "channel", "direction", "at", "text", "rule"]) })
        #expect((view["profile"] as? [String: Any])?["name"] as? String == "Anna Svensson")

        let queue = try run("shop-desk", ["queue", "--store", store, "--format", "json", "--now", "2026-11-18T11:00:00+01:00"])
        let rows = try #require(try queue.json() as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["calendar"] as? String == "stockholm" })
        let due = rows.compactMap { $0["due_at"] as? String }
        #expect(due == due.sorted(), "by SLA due time")

        let over = try run("shop-desk", ["refund", "1001", "--order", "O-5512", "--amount", "899.00", "--currency", "SEK", "--agent", "agent-7", "--store", store])
        let request = try #require(try over.json() as? [String: Any])
        #expect(request["status"] as? String == "pending")
        let id = try #require(request["request"] as? String)
        #expect(try run("shop-desk", ["approve", id, "--by", "agent-7", "--store", store]).status == 65, "no self-approval")
        let approved = try run("shop-desk", ["approve", id, "--by", "lead-1", "--store", store])
        #expect((try approved.json() as? [String: Any])?["status"] as? String == "approved")
        let small = try run("shop-desk", ["refund", "1001", "--order", "O-5601", "--amount", "39.90", "--currency", "SEK", "--agent", "agent-7", "--store", store])
        #expect((try small.json() as? [String: Any])?["status"] as? String == "granted")
        #expect(try run("shop-desk", ["status", "1001", "solved", "--store", store]).status == 0)
        #expect(try run("shop-desk", ["status", "1001", "new", "--store", store]).status == 65)
        #expect(try run("shop-desk", ["show", "99999", "--store", store]).status == 66)
    }

    @Test func theLifecycleCommandsPersistEachActWithItsEvent() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let data = examples.path
        #expect(try run("shop-desk", ["ingest", "\(data)/shop.mbox", "--store", store, "--desk-address", "support@shop.example", "--first-ticket", "1001", "--history"]).status == 0)
        let agents = ["--agents", "\(data)/agents.json"]
        func view(_ ticket: String) throws -> [String: Any] {
            try #require(try run("shop-desk", ["show", ticket, "--store", store]).json() as? [String: Any])
        }
        #expect(try run("shop-desk", ["status", "1002", "on_hold", "--store", store]).status == 0)
        #expect(try view("1002")["status"] as? String == "on_hold")
        #expect(try run("shop-desk", ["priority", "1002", "urgent", "--store", store]).status == 0)
        #expect(try run("shop-desk", ["tag", "1002", "delivery", "vip", "--store", store]).status == 0)
        #expect(try run("shop-desk", ["tag", "1002", "--remove", "vip", "--store", store]).status == 0)
        let tagged = try view("1002")
        #expect(tagged["priority"] as? String == "urgent" && tagged["tags"] as? [String] == ["delivery"])
        let explicit = try run("shop-desk", ["assign", "1002", "--agent", "agent-8", "--by", "lead-1", "--store", store] + agents)
        #expect((try explicit.json() as? [String: Any])?["assignee"] as? String == "agent-8")
        let routed = try #require(try run("shop-desk", ["assign", "1003", "--store", store]).json() as? [String: Any])
        #expect(routed["assignee"] as? String == "agent-9", "the German ticket goes to the agent who writes German: \(routed)")
        let split = try #require(try run("shop-desk", ["split", "1001", "sv-2@mail.example.se", "--store", store]).json() as? [String: Any])
        let created = try #require(split["thread"] as? Int)
        #expect(try run("shop-desk", ["merge", String(created), "1001", "--store", store]).status == 0)
        #expect(try view(String(created))["thread"] as? Int == 1001, "a merged number leads to the survivor")
        #expect(try run("shop-desk", ["undo", String(created), "--store", store]).status == 0, "undo the merge")
        #expect(try view(String(created))["thread"] as? Int == created)
        #expect(try run("shop-desk", ["undo", String(created), "--store", store]).status == 0, "undo the split")
        #expect((try view("1001")["messages"] as? [Any])?.count == 3, "the split message is back")
        #expect(try run("shop-desk", ["undo", "1003", "--store", store]).status == 65, "nothing to undo")
        let events = try run("shop-desk", ["events", "--store", store]).output
        for kind in ["statusChanged", "priorityChanged", "tagsChanged", "assigned", "splitOff", "merged", "unmerged", "unsplit"] {
            #expect(events.contains("\"\(kind)\""), "no \(kind) event")
        }
    }

    @Test func aStakeholderSeesTheAccountsTicketsByRoleThroughShow() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("b.sqlite").path
        let data = examples.path
        #expect(try run("account-desk", [
            "ingest", "\(data)/b2b.mbox", "--accounts", "\(data)/accounts.json", "--store", store, "--desk-address", "b2b@shop.example",
            "--first-ticket", "2001", "--history",
        ]).status == 0)
        let finance = try #require(try run("account-desk", ["threads", "--as", "s-per", "--store", store]).json() as? [[String: Any]])
        let buyer = try #require(try run("account-desk", ["threads", "--as", "s-karin", "--store", store]).json() as? [[String: Any]])
        #expect(finance.count > buyer.count, "the finance role sees the account's other tickets; the buyer only those they are in")
        let seen = try run("account-desk", ["show", "2001", "--as", "s-per", "--store", store])
        #expect(seen.status == 0)
        #expect((try seen.json() as? [String: Any])?["viewer"] as? String == "s-per")
        #expect(try run("account-desk", ["show", "2001", "--as", "s-jussi", "--store", store]).status == 65)
        let ticket = try #require(finance.compactMap { $0["thread"] as? Int }.first { id in !buyer.contains { $0["thread"] as? Int == id } })
        #expect(try run("account-desk", ["show", String(ticket), "--as", "s-karin", "--store", store]).status == 65)
    }
}
