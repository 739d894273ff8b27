import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// GDPR Art. 17 end to end: Policy decides, the SQLite store executes, and afterwards the
/// store's files hold no byte of the customer's text (DESIGN.md's erasure invariant).
@Suite("Erasure leaves no readable text")
struct ErasureByteScanTests {
    static let mailbox = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/data/shop.mbox").path

    /// Every file SQLite keeps for the store (the database, its WAL and shared memory).
    static func fileBytes(_ path: String) -> [UInt8] {
        ["", "-wal", "-shm", "-journal"].flatMap { suffix in
            (try? Data(contentsOf: URL(fileURLWithPath: path + suffix))).map { [UInt8]($0) } ?? []
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
        var index = 0
        while index <= haystack.count - pattern.count {
            if haystack[index] == pattern[0], Array(haystack[index..<(index + pattern.count)]) == pattern { return true }
            index += 1
        }
        return false
    }

    /// One transaction for the mailbox (one search segment shared by every customer), or one per
    /// mail (a segment per mail, merged by tier: Anna's terms sit in several segments).
    @Test(arguments: [false, true])
    func erasureByPolicyLeavesNoByteOfTheCustomer(mailByMail: Bool) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("erasure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("desk.sqlite").path
        let store = try SQLiteSupportStore(path: path)
        let desk = Desk(
            store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: .history,
            configuration: ThreadingConfiguration(firstTicketNumber: 1001))
        let mails = try MailboxReader.messages(at: Self.mailbox)
        if mailByMail {
            for mail in mails { _ = try await desk.ingest([mail]) }
            #expect(try await store.searchSegmentSizes().count > 1)
        } else {
            _ = try await desk.ingest(mails)
        }

        let anna = PartyID("anna.svensson@example.se")
        // Strings only Anna's conversation holds: her address and name, her order number, words of
        // her mails and of the desk's reply to her, and the index term of one of them.
        let swedishTerm = try #require(AnalyzerRegistry.standard.analyzer(for: "sv").tokens(in: "returetiketten").first?.term)
        let annaStrings = ["anna.svensson", "Svensson", "10023", "returetikett", "för liten", "skickat paketet", swedishTerm]
        // Strings of other customers, which must survive (and prove the scan reads the text).
        let otherStrings = ["matti.virtanen", "palautuksen", "Buongiorno"]
        let before = Self.fileBytes(path)
        for needle in annaStrings + otherStrings {
            let found = Self.contains(before, needle)
            #expect(found, "'\(needle)' not in the file before erasure")
        }

        let executor = StorePrivacyExecutor(store: store)
        let rules = try PrivacyRules(policy: PrivacyPolicy())
        let records = try await executor.personalDataRecords(of: anna)
        #expect(records.count >= 7)  // profile, 3 messages, the thread, its events
        let decision = rules.erasure(of: anna, records: records, holds: [], at: Date())
        #expect(decision.retained.isEmpty)
        let receipt = try await executor.apply(decision.actions)
        #expect(receipt.deleted.count == records.count)
        try await store.close()

        let after = Self.fileBytes(path)
        for needle in annaStrings {
            let found = Self.contains(after, needle)
            #expect(!found, "'\(needle)' still readable after erasure")
        }
        for needle in otherStrings {
            let found = Self.contains(after, needle)
            #expect(found, "'\(needle)' lost: erasure took too much")
        }
        // And the reopened store agrees.
        let reopened = try SQLiteSupportStore(path: path)
        #expect(try await reopened.search(SearchQuery("returetikett")).isEmpty)
        #expect(try await reopened.personalRecords(of: anna).isEmpty)
        #expect(try await reopened.search(SearchQuery("palautus")).count == 1)
    }

    @Test func anUnknownRecordIsRefusedAndNothingChanges() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: .history)
        _ = try await desk.ingest(try MailboxReader.messages(at: Self.mailbox))
        let executor = StorePrivacyExecutor(store: store)
        let actions = [
            RecordAction(recordID: "message:sv-1@mail.example.se", party: "anna.svensson@example.se", category: .messages, action: .delete, reason: "test"),
            RecordAction(recordID: "message:gone@x", party: "anna.svensson@example.se", category: .messages, action: .delete, reason: "test"),
        ]
        await #expect(throws: PrivacyExecutionError.unknownRecord("message:gone@x")) { try await executor.apply(actions) }
        #expect(try await store.message("sv-1@mail.example.se") != nil)
        let export = try await executor.export(PrivacyRules(policy: PrivacyPolicy()).exportPlan(for: "anna.svensson@example.se", at: Date()))
        #expect(export.records.contains { $0.category == .messages && $0.fields["text"]?.contains("10023") == true })
        #expect(export.records.contains { $0.category == .profile })
    }
}

/// Retention (GDPR Art. 5(1)(e)): Policy decides from the store's records, the store executes.
@Suite("Retention on a store")
struct RetentionOnAStoreTests {
    @Test func oldMessagesGoExceptUnderALegalHold() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: .history)
        _ = try await desk.ingest(try MailboxReader.messages(at: ErasureByteScanTests.mailbox))
        let executor = StorePrivacyExecutor(store: store)
        let rules = try PrivacyRules(policy: PrivacyPolicy(retention: [
            RetentionRule(category: .messages, afterMonths: 12, action: .delete),
        ]))
        let later = Date(timeIntervalSince1970: 1_862_000_000)  // 2029: every example mail is over a year old
        let hold = LegalHold(id: "dispute-7", party: "matti.virtanen@example.fi", reason: "chargeback dispute",
            placedAt: Date(timeIntervalSince1970: 1_764_000_000))
        let records = try await executor.personalDataRecords(lastActiveBefore: later)
        let decision = rules.retention(records: records, holds: [hold], at: later)
        #expect(!decision.actions.isEmpty)
        #expect(decision.actions.allSatisfy { $0.category == .messages && $0.party != "matti.virtanen@example.fi" })
        #expect(decision.retained.contains { $0.recordID == "message:fi-1@posti.example.fi" })
        _ = try await executor.apply(decision.actions)
        #expect(try await store.message("sv-1@mail.example.se") == nil)
        #expect(try await store.message("fi-1@posti.example.fi") != nil, "the legal hold keeps Matti's mail")
        #expect(try await store.party("anna.svensson@example.se") != nil, "profiles have no retention rule here")
        #expect(try await store.search(SearchQuery("returnera")).isEmpty)
        #expect(try await store.search(SearchQuery("palautus")).count == 1)
    }
}
