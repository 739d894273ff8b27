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
    @Argument(help: "The party (customer id; for the shop desk, the normalised e-mail address).")
    var party: String

    @Option(help: "The SQLite store file.")
    var store = "shop-desk.sqlite"

    @Option(help: "A policy file whose privacy section (statutory retention) applies.")
    var policy: String?

    func open() throws -> (StorePrivacyExecutor<SQLiteSupportStore>, PrivacyRules) {
        var privacy = PrivacyPolicy()
        if let policy {
            do { privacy = try SupportPolicyDocument.load(contentsOf: URL(fileURLWithPath: policy)).privacy ?? privacy } catch {
                FileHandle.standardError.write(Data("shop-desk: \(policy): \(error)\n".utf8))
                throw ExitCode(65)
            }
        }
        return (StorePrivacyExecutor(store: try openStore(store, create: false)), try PrivacyRules(policy: privacy))
    }
}

/// `shop-desk privacy export PARTY`: everything held about a party, as JSON (Art. 15/20).
struct PrivacyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print everything stored about a party as JSON.")

    @OptionGroup var options: PrivacyOptions

    func run() async throws {
        let (executor, rules) = try options.open()
        let export = try await executor.export(rules.exportPlan(for: PartyID(options.party), at: Date()))
        FileHandle.standardOutput.write(try export.jsonData())
        print()
    }
}

/// `shop-desk privacy erase PARTY`: decides and carries out an erasure request (Art. 17).
struct PrivacyEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase a party: delete, or anonymise what a statutory duty keeps; print the decision.")

    @OptionGroup var options: PrivacyOptions

    @Flag(help: "Print the decision without changing the store.")
    var dryRun = false

    func run() async throws {
        let (executor, rules) = try options.open()
        let party = PartyID(options.party)
        let records = try await executor.personalDataRecords(of: party)
        let decision = rules.erasure(of: party, records: records, holds: [], at: Date())
        for action in decision.actions { print("\(action.action.rawValue)\t\(action.recordID)\t\(action.reason)") }
        for kept in decision.retained { print("retain\t\(kept.recordID)\t\(kept.reason)") }
        guard !dryRun else { return }
        let receipt = try await executor.apply(decision.actions)
        try await executor.store.close()
        FileHandle.standardError.write(Data(
            "shop-desk: \(receipt.deleted.count) deleted, \(receipt.anonymised.count) anonymised, \(decision.retained.count) retained\n".utf8))
    }
}
