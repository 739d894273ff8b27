import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import SQLiteStorage
import Storage
import SupportDesk

/// B2C (`shop-desk`) or B2B (`account-desk`): the shared commands read it from the tool's name.
public enum DeskFlavor: Sendable {
    /// Single buyers.
    case shop
    /// Accounts with stakeholders.
    case account

    /// The running tool's flavor.
    public static var current: DeskFlavor { toolName.hasPrefix("account") ? .account : .shop }

    /// The address the example desk sends from.
    var defaultDeskAddress: String { self == .account ? "b2b@shop.example" : "support@shop.example" }
}

/// The desk every workflow command runs over.
public typealias CLIDesk = Desk<AnySupportStore, AnyDeskDirectory>

/// Options of every workflow command: the store, and the configuration files that — when
/// given — replace the ones stored (so later commands run under the same policy, agents and
/// catalog without naming them again). A store given neither a policy nor a catalog runs under
/// the bundled examples (`Examples/policies/shop.yaml`, `Examples/data/catalog.json`) when they are
/// found beside the working directory or the tool's checkout; those are not stored.
public struct DeskOptions: ParsableArguments {
    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    public var store = defaultStoreFile

    @Option(help: "A policy file (YAML or JSON): calendars, SLA, returns, empowerment, routing. Stored for later commands.")
    public var policy: String?

    @Option(help: "An agents file (JSON): ids, names, roles, languages, channels, capacity. Stored for later commands.")
    public var agents: String?

    @Option(help: "A message catalog (JSON) of reply templates. Stored for later commands.")
    public var catalog: String?

    @Option(name: .customLong("desk-address"), help: "The address the desk sends from.")
    public var deskAddress: String?

    @Option(help: "The instant the command acts at (RFC 3339); default: now.")
    public var now: String?

    public init() {}

    /// The instant of the act.
    public func instant() throws -> Date {
        guard let now else { return Date() }
        guard let date = parseInstant(now) else { throw ValidationError("--now '\(now)' is not an RFC 3339 time") }
        return date
    }

    /// The desk's own address.
    public func senderAddress() throws -> ContactPoint {
        let text = deskAddress ?? DeskFlavor.current.defaultDeskAddress
        do { return try .email(text) } catch { throw ValidationError("--desk-address: \(error)") }
    }

    /// Opens the store and the desk over it, storing the configuration files given.
    public func open(create: Bool = false) async throws -> CLIDesk {
        let sqlite = try await openStore(store, create: create)
        var given = DeskConfiguration()
        if let policy {
            do { given.policy = try SupportPolicyDocument.load(contentsOf: URL(fileURLWithPath: policy)) } catch {
                complain("\(policy): \(error)")
                throw ExitCode(65)
            }
        }
        if let agents {
            do { given.agents = try DeskAgent.load(json: try readFile(agents)) } catch let error as DeskConfigurationError {
                complain("\(agents): \(error)")
                throw ExitCode(65)
            }
        }
        if let catalog {
            do { given.catalog = try MessageCatalog.load(json: try readFile(catalog)) } catch let error as CatalogError {
                complain("\(catalog): \(error)")
                throw ExitCode(65)
            }
        }
        let bare = Desk(store: sqlite, directory: AnyDeskDirectory(SingleBuyerDeskDirectory()), logger: cliLogger)
        if given.policy != nil || given.agents != nil || given.catalog != nil {
            try await agentAct { () async throws(StorageError) in try await bare.storeConfiguration(given) }
        }
        let stored = try await agentAct { () async throws(StorageError) in try await bare.storedConfiguration() }
        let directory: any DeskDirectory = switch DeskFlavor.current {
        case .shop: SingleBuyerDeskDirectory()
        case .account: AccountDeskDirectory(accountDomains: stored.accountDomains ?? [:])
        }
        var desk = Desk(store: sqlite, directory: AnyDeskDirectory(directory), deskAddresses: [try senderAddress()], logger: cliLogger)
        // An example desk runs under the bundled policy and catalog until it is given its own.
        let bundledPolicy = given.policy == nil && stored.policy == nil
            ? Self.bundled("Examples/policies/shop.yaml").flatMap { try? SupportPolicyDocument.load(contentsOf: $0) } : nil
        let bundledCatalog = given.catalog == nil && stored.catalog == nil
            ? Self.bundled("Examples/data/catalog.json").flatMap { try? MessageCatalog.load(json: Data(contentsOf: $0)) } : nil
        if let document = given.policy ?? stored.policy ?? bundledPolicy {
            do { desk.policy = try document.compiled() } catch {
                complain("policy: \(error)")
                throw ExitCode(65)
            }
        }
        desk.agents = given.agents ?? stored.agents ?? []
        desk.catalog = given.catalog ?? stored.catalog ?? bundledCatalog
        desk.responder = KnowledgeBaseResponder(store: sqlite)
        return desk
    }
}

extension DeskOptions {
    /// A bundled example file: under the working directory, or under the checkout the tool was
    /// built in (`.build/debug/shop-desk` → the package root).
    static func bundled(_ relative: String) -> URL? {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            roots.append(folder)
        }
        return roots.map { $0.appendingPathComponent(relative) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}

/// Reads a file, or exits 66 naming it.
func readFile(_ path: String) throws -> Data {
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        complain("cannot read \(path): \(error.localizedDescription)")
        throw ExitCode(66)
    }
}

/// An RFC 3339 instant (with or without fractional seconds).
public func parseInstant(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}

/// An instant as RFC 3339 UTC text.
func rfc3339(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    return formatter.string(from: date)
}

/// Business seconds as `7h 30m` (negative: overdue, `-0h 15m`).
func businessDuration(_ seconds: Double) -> String {
    let total = Int(abs(seconds).rounded())
    let text = "\(total / 3600)h \(String(format: "%02d", (total % 3600) / 60))m"
    return seconds < 0 ? "-" + text : text
}

/// A JSON value as one line of text (sorted keys, unescaped slashes).
func jsonText(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// A contact point as the intake format writes it (`{"email": …}`, `{"phone": …}`, `{"handle", "platform"}`).
func contactObject(_ point: ContactPoint) -> [String: String] {
    switch point.kind {
    case .email: ["email": point.value]
    case .phone: ["phone": point.value]
    case .handle(let platform): ["handle": point.value, "platform": platform]
    }
}

/// One threading line, as `thread --explain` and `import --explain` print it: message_id,
/// thread, party, and with `explain` the rule, evidence and notes.
public func threadingLine(id: MessageID, thread: ThreadID, party: PartyID?, assignment: ThreadAssignment?, explain: Bool)
    -> [(String, String)]
{
    var fields: [(String, String)] = [
        ("message_id", id.rawValue), ("thread", String(thread.rawValue)), ("party", party?.rawValue ?? ""),
    ]
    if explain {
        let assignment = assignment ?? ThreadAssignment(thread: thread, rule: .knownMessageID, because: .duplicate(messageID: id.rawValue))
        fields.append(("rule", assignment.rule.rawValue))
        fields.append(("evidence", assignment.evidence))
        if !assignment.notes.isEmpty { fields.append(("notes", assignment.notes.joined(separator: "; "))) }
    }
    return fields
}
