import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import PostgresStorage
import PostgresTestSupport
import Storage
import SupportDesk
import Testing

/// GDPR Art. 17 on PostgreSQL: after erasure (and its vacuum) the database's relation files —
/// tables, their TOAST and their indexes — hold no byte of the customer's text, while other
/// customers' text is still there (which proves the scan reads the files).
@Suite("Erasure on PostgreSQL leaves no readable text", .serialized)
struct PostgresErasureTests {
    static let mailbox = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/data/shop.mbox").path

    /// Every byte of the database's relation files (`base/<oid>/`), after a checkpoint wrote
    /// the shared buffers out.
    static func relationBytes(_ cluster: PostgresCluster, database: String) throws -> [UInt8] {
        try cluster.psql("CHECKPOINT")
        let oid = try cluster.psql("SELECT oid FROM pg_database WHERE datname = '\(database)'").trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = URL(fileURLWithPath: cluster.dataDirectory).appendingPathComponent("base/\(oid)")
        var bytes: [UInt8] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            if let data = try? Data(contentsOf: folder.appendingPathComponent(name)) { bytes += data }
        }
        return bytes
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, haystack.count >= pattern.count else { return false }
        var index = 0
        while index <= haystack.count - pattern.count {
            if haystack[index] == first, haystack[index..<(index + pattern.count)].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }

    @Test(arguments: [false, true])
    func erasureByPolicyThenVacuumLeavesNoByteOfTheCustomer(mailByMail: Bool) async throws {
        let cluster = try TestServer.shared()
        let database = "erasure_\(mailByMail ? "each" : "batch")_\(Int.random(in: 0..<1_000_000))"
        let store = try await PostgresSupportStore(url: try cluster.createDatabase(database))
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
        let swedishTerm = try #require(AnalyzerRegistry.standard.analyzer(for: "sv").tokens(in: "returetiketten").first?.term)
        let annaStrings = ["anna.svensson", "Svensson", "10023", "returetikett", "för liten", "skickat paketet", swedishTerm]
        let otherStrings = ["matti.virtanen", "palautuksen", "Buongiorno"]
        let before = try Self.relationBytes(cluster, database: database)
        for needle in annaStrings + otherStrings { #expect(Self.contains(before, needle), "'\(needle)' not in the files before erasure") }

        let executor = StorePrivacyExecutor(store: store)
        let records = try await executor.personalDataRecords(of: anna)
        #expect(records.count >= 7)
        let decision = try PrivacyRules(policy: PrivacyPolicy()).erasure(of: anna, records: records, holds: [], at: Date())
        let receipt = try await executor.apply(decision.actions)
        #expect(receipt.deleted.count == records.count)

        let after = try Self.relationBytes(cluster, database: database)
        for needle in annaStrings { #expect(!Self.contains(after, needle), "'\(needle)' still in the relation files after erasure") }
        for needle in otherStrings { #expect(Self.contains(after, needle), "'\(needle)' lost: erasure took too much") }
        #expect(try await store.search(SearchQuery("returetikett")).isEmpty)
        #expect(try await store.personalRecords(of: anna).isEmpty)
        #expect(try await store.search(SearchQuery("palautus")).count == 1)
        await store.close()
    }
}
