import ArgumentParser
import DeskCLI
import CustomerModel
import Foundation
import Policy
import SQLiteStorage
import Storage
import SupportDesk

/// `shop-desk privacy ...`: data-subject requests against a store.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "Data-subject requests (GDPR Art. 15, 17, 20) against a store.",
        subcommands: [PrivacyExportCommand.self, PrivacyEraseCommand.self])
}

/// Options both requests share.
struct PrivacyOptions: ParsableArguments {
    @Argument(help: "The person: a party id, or any of their e-mail addresses or phone numbers (any letter case).")
    var party: String

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = "shop-desk.sqlite"

    @Option(help: "A policy file whose privacy section (statutory retention) applies.")
    var policy: String?

    @Option(help: "The region of a phone number written without its country code (e.g. SE).")
    var region: String?

    /// The executor, the rules, and the person the request names (with every record merged
    /// into them). A request that names nobody exits 67 ("no such customer") and changes nothing.
    func open() async throws -> (StorePrivacyExecutor<AnySupportStore>, PrivacyRules, ResolvedPerson) {
        var privacy = PrivacyPolicy()
        if let policy {
            do { privacy = try SupportPolicyDocument.load(contentsOf: URL(fileURLWithPath: policy)).privacy ?? privacy } catch {
                complain("\(policy): \(error)")
                throw ExitCode(65)
            }
        }
        let sqlite = try await openStore(store, create: false)
        let desk = Desk(store: sqlite, directory: SingleBuyerDeskDirectory(), logger: cliLogger)
        guard let person = try await desk.resolvePerson(party, defaultRegion: region) else {
            try await sqlite.close()
            complain("no such customer: \(party) (no party id, e-mail address or phone number matches; nothing changed)")
            throw ExitCode(67)
        }
        return (StorePrivacyExecutor(store: sqlite), try PrivacyRules(policy: privacy), person)
    }
}

/// Names the person a request resolved to, on stderr.
func announce(_ person: ResolvedPerson, request: String) {
    let records = person.records.map(\.rawValue).joined(separator: ", ")
    complain("\(request) of \(person.displayName) <\(person.primary.rawValue)>: records \(records)")
}

/// `shop-desk privacy export PERSON`: everything held about a person, as JSON (Art. 15/20):
/// the records of every party record that is them, under the primary record's id.
struct PrivacyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print everything stored about a person as JSON.")

    @OptionGroup var options: PrivacyOptions

    func run() async throws {
        let (executor, rules, person) = try await options.open()
        announce(person, request: "export")
        let now = Date()
        var export = try await executor.export(rules.exportPlan(for: person.primary, at: now))
        for record in person.records.dropFirst() {
            export.records += try await executor.export(rules.exportPlan(for: record, at: now)).records
        }
        try await executor.store.close()
        FileHandle.standardOutput.write(try export.jsonData())
        print()
    }
}

/// `shop-desk privacy erase PERSON`: decides and carries out an erasure request (Art. 17) for
/// every record that is the person.
struct PrivacyEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person: delete, or anonymise what a statutory duty keeps; print the decision.",
        discussion: """
            Lines: person<TAB>primary id<TAB>name<TAB>records, then action<TAB>record<TAB>reason per record
            (delete, anonymise, retain). A request that matches nobody exits 67 and changes nothing.
            """)

    @OptionGroup var options: PrivacyOptions

    @Flag(help: "Print the decision without changing the store.")
    var dryRun = false

    func run() async throws {
        let (executor, rules, person) = try await options.open()
        announce(person, request: "erasure")
        print("person\t\(person.primary.rawValue)\t\(person.displayName)\t\(person.records.map(\.rawValue).joined(separator: ","))")
        let now = Date()
        var actions: [RecordAction] = []
        var retained = 0
        for party in person.records {
            let records = try await executor.personalDataRecords(of: party)
            let decision = rules.erasure(of: party, records: records, holds: [], at: now)
            for action in decision.actions { print("\(action.action.rawValue)\t\(action.recordID)\t\(action.reason)") }
            for kept in decision.retained { print("retain\t\(kept.recordID)\t\(kept.reason)") }
            actions += decision.actions
            retained += decision.retained.count
        }
        guard !dryRun else { return try await executor.store.close() }
        let receipt = try await executor.apply(actions)
        try await executor.store.close()
        complain("\(person.primary.rawValue): \(receipt.deleted.count) deleted, \(receipt.anonymised.count) anonymised, \(retained) retained")
    }
}
