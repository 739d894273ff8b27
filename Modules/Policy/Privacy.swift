import CustomerModel
import Foundation

/// A kind of personal data a store holds about a party.
public enum PersonalDataCategory: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case profile, contactPoints, messages, attachments, callRecordings, orders, invoices, consents, auditLog

    /// Orders by declaration.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// What happens to a record when privacy rules reach it.
public enum PrivacyAction: String, Hashable, Sendable, Codable {
    /// Remove the record and every copy of its text (search index included).
    case delete
    /// Keep the record's non-personal facts (dates, amounts, status) and remove everything that
    /// identifies the party (names, contact points, free text).
    case anonymise
}

/// "Delete or anonymise `category` `afterMonths` months after the record's last activity".
public struct RetentionRule: Hashable, Sendable, Codable {
    /// The category it applies to.
    public var category: PersonalDataCategory
    /// Months after last activity.
    public var afterMonths: Int
    /// Delete or anonymise.
    public var action: PrivacyAction

    /// A rule.
    public init(category: PersonalDataCategory, afterMonths: Int, action: PrivacyAction) {
        self.category = category
        self.afterMonths = afterMonths
        self.action = action
    }
}

/// A duty to keep records for a time whatever the party asks (e.g. bookkeeping law for invoices).
/// Erasure anonymises what it can of such records but does not delete them before the period ends
/// (GDPR Art. 17(3)(b): erasure does not apply where processing is needed to comply with a legal obligation).
public struct StatutoryRetention: Hashable, Sendable, Codable {
    /// The category kept.
    public var category: PersonalDataCategory
    /// How many months after creation it must be kept.
    public var months: Int
    /// The law, named (e.g. "Bokföringslagen (1999:1078) 7 kap. 2 §").
    public var source: String

    /// A statutory retention period.
    public init(category: PersonalDataCategory, months: Int, source: String) {
        self.category = category
        self.months = months
        self.source = source
    }
}

/// The privacy section of a policy.
public struct PrivacyPolicy: Hashable, Sendable, Codable {
    /// Retention rules.
    public var retention: [RetentionRule]
    /// Statutory retention duties.
    public var statutoryRetention: [StatutoryRetention]

    /// A privacy policy.
    public init(retention: [RetentionRule] = [], statutoryRetention: [StatutoryRetention] = []) {
        self.retention = retention
        self.statutoryRetention = statutoryRetention
    }

    private enum CodingKeys: String, CodingKey { case retention, statutoryRetention }

    /// Decodes; both lists may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retention = try c.decodeIfPresent([RetentionRule].self, forKey: .retention) ?? []
        statutoryRetention = try c.decodeIfPresent([StatutoryRetention].self, forKey: .statutoryRetention) ?? []
    }

    /// Every problem, with paths under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        var seen: Set<PersonalDataCategory> = []
        for (i, rule) in retention.enumerated() {
            if rule.afterMonths <= 0 {
                issues.append(PolicyIssue(path: "\(path).retention[\(i)].afterMonths", message: "must be positive"))
            }
            if !seen.insert(rule.category).inserted {
                issues.append(PolicyIssue(path: "\(path).retention[\(i)].category", message: "\(rule.category.rawValue) has two retention rules"))
            }
        }
        for (i, duty) in statutoryRetention.enumerated() {
            if duty.months <= 0 { issues.append(PolicyIssue(path: "\(path).statutoryRetention[\(i)].months", message: "must be positive")) }
            if duty.source.isEmpty { issues.append(PolicyIssue(path: "\(path).statutoryRetention[\(i)].source", message: "must name the law")) }
        }
        return issues
    }
}

/// A legal hold: records of a party that must not be deleted or changed (litigation, investigation).
public struct LegalHold: Hashable, Sendable, Codable {
    /// Hold id (case number).
    public var id: String
    /// The party whose records are held.
    public var party: PartyID
    /// Categories held; `nil` holds everything.
    public var categories: Set<PersonalDataCategory>?
    /// Why.
    public var reason: String
    /// When placed.
    public var placedAt: Date
    /// When lifted, if it was.
    public var liftedAt: Date?

    /// A hold.
    public init(id: String, party: PartyID, categories: Set<PersonalDataCategory>? = nil, reason: String, placedAt: Date, liftedAt: Date? = nil) {
        self.id = id
        self.party = party
        self.categories = categories
        self.reason = reason
        self.placedAt = placedAt
        self.liftedAt = liftedAt
    }

    /// Whether the hold covers `record` at `date`.
    public func covers(_ record: PersonalDataRecord, at date: Date) -> Bool {
        record.party == party && placedAt <= date && (liftedAt.map { $0 > date } ?? true)
            && (categories?.contains(record.category) ?? true)
    }
}

/// A store's description of one record holding personal data (no content: decisions need none).
public struct PersonalDataRecord: Hashable, Sendable, Codable {
    /// The store's id for the record.
    public var id: String
    /// Whose data it is.
    public var party: PartyID
    /// What kind of data.
    public var category: PersonalDataCategory
    /// When created.
    public var createdAt: Date
    /// Last activity (last message in a thread, last order change); retention counts from here.
    public var lastActivityAt: Date

    /// A record summary.
    public init(id: String, party: PartyID, category: PersonalDataCategory, createdAt: Date, lastActivityAt: Date? = nil) {
        self.id = id
        self.party = party
        self.category = category
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt ?? createdAt
    }
}

/// Why a record is kept despite a request or rule.
public enum RetentionReason: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A legal hold.
    case legalHold(id: String, reason: String)
    /// A statutory retention duty, until the date given.
    case statutory(source: String, until: Date)

    /// Human-readable.
    public var description: String {
        switch self {
        case .legalHold(let id, let reason): "legal hold \(id): \(reason)"
        case .statutory(let source, let until): "kept until \(until) under \(source)"
        }
    }
}

/// One action a store must carry out.
public struct RecordAction: Hashable, Sendable, Codable {
    /// The record.
    public var recordID: String
    /// Its party.
    public var party: PartyID
    /// Its category.
    public var category: PersonalDataCategory
    /// Delete or anonymise.
    public var action: PrivacyAction
    /// Why (the article or rule).
    public var reason: String

    /// An action (decisions make these; hosts and tests may too).
    public init(recordID: String, party: PartyID, category: PersonalDataCategory, action: PrivacyAction, reason: String) {
        self.recordID = recordID
        self.party = party
        self.category = category
        self.action = action
        self.reason = reason
    }
}

/// A record left untouched, and why.
public struct RetainedRecord: Hashable, Sendable, Codable {
    /// The record.
    public var recordID: String
    /// Its category.
    public var category: PersonalDataCategory
    /// Why it stays.
    public var reason: RetentionReason
}

/// What an erasure request (GDPR Art. 17) comes to: the store executes `actions` in one
/// transaction; `retained` lists what stays and why, for the reply to the data subject.
public struct ErasureDecision: Hashable, Sendable, Codable {
    /// The data subject.
    public var party: PartyID
    /// When decided.
    public var decidedAt: Date
    /// What to delete or anonymise.
    public var actions: [RecordAction]
    /// What stays and why.
    public var retained: [RetainedRecord]
}

/// What retention rules require at an instant, across all parties.
public struct RetentionDecision: Hashable, Sendable, Codable {
    /// When decided.
    public var decidedAt: Date
    /// What to delete or anonymise.
    public var actions: [RecordAction]
    /// What a rule reached but a hold keeps.
    public var retained: [RetainedRecord]
}

/// What to export for an access (Art. 15) or portability (Art. 20) request.
public struct ExportPlan: Hashable, Sendable, Codable {
    /// The data subject.
    public var party: PartyID
    /// Categories to include (all by default).
    public var categories: [PersonalDataCategory]
    /// When requested.
    public var requestedAt: Date
    /// Legal basis shown in the export.
    public var basis: String
}

/// One exported record: its facts and its content as text fields.
public struct ExportedRecord: Hashable, Sendable, Codable {
    /// Store id.
    public var id: String
    /// Category.
    public var category: PersonalDataCategory
    /// Created.
    public var createdAt: Date
    /// Field name → value (message body, subject, address...).
    public var fields: [String: String]

    /// An exported record.
    public init(id: String, category: PersonalDataCategory, createdAt: Date, fields: [String: String]) {
        self.id = id
        self.category = category
        self.createdAt = createdAt
        self.fields = fields
    }
}

/// Everything held about a party, as JSON-encodable data.
public struct PartyDataExport: Hashable, Sendable, Codable {
    /// The data subject.
    public var party: PartyID
    /// When produced.
    public var generatedAt: Date
    /// Legal basis.
    public var basis: String
    /// Records, by category then id.
    public var records: [ExportedRecord]

    /// An export.
    public init(party: PartyID, generatedAt: Date, basis: String, records: [ExportedRecord]) {
        self.party = party
        self.generatedAt = generatedAt
        self.basis = basis
        self.records = records
    }

    /// Pretty, key-sorted JSON with ISO 8601 dates: stable bytes for the same data.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}

/// What a store reports after executing privacy actions.
public struct PrivacyReceipt: Hashable, Sendable, Codable {
    /// Records deleted.
    public var deleted: [String]
    /// Records anonymised.
    public var anonymised: [String]

    /// A receipt.
    public init(deleted: [String], anonymised: [String]) {
        self.deleted = deleted
        self.anonymised = anonymised
    }
}

/// What Policy needs from a store to carry out privacy decisions. Storage implements it.
///
/// Implementers must apply one call's actions atomically (all or none), and after a `delete` or
/// `anonymise` no text of the party may remain readable in the store, its search index or its
/// write-ahead log once checkpointed.
public protocol PrivacyExecutor: Sendable {
    /// Every record that holds data about `party`.
    func personalDataRecords(of party: PartyID) async throws -> [PersonalDataRecord]
    /// Every record whose last activity is before `date` (candidates for retention rules).
    func personalDataRecords(lastActiveBefore date: Date) async throws -> [PersonalDataRecord]
    /// Carries out `actions` in one transaction.
    func apply(_ actions: [RecordAction]) async throws -> PrivacyReceipt
    /// The content of the plan's records.
    func export(_ plan: ExportPlan) async throws -> PartyDataExport
}

/// Privacy rules compiled from a ``PrivacyPolicy``: pure functions from records and holds to decisions.
public struct PrivacyRules: Sendable {
    /// The policy.
    public let policy: PrivacyPolicy
    private let gregorian: Calendar

    /// Compiles `policy`.
    ///
    /// - Throws: ``PolicyValidationError`` with every issue of the privacy section.
    public init(policy: PrivacyPolicy) throws(PolicyValidationError) {
        let issues = policy.validate(path: "privacy")
        guard issues.isEmpty else { throw PolicyValidationError(issues: issues) }
        self.policy = policy
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        self.gregorian = calendar
    }

    private func adding(months: Int, to date: Date) -> Date {
        gregorian.date(byAdding: .month, value: months, to: date) ?? date.addingTimeInterval(Double(months) * 31 * 86_400)
    }

    private func hold(for record: PersonalDataRecord, holds: [LegalHold], at date: Date) -> LegalHold? {
        holds.filter { $0.covers(record, at: date) }.min { $0.id < $1.id }
    }

    private func statutory(for record: PersonalDataRecord, at date: Date) -> (StatutoryRetention, Date)? {
        for duty in policy.statutoryRetention where duty.category == record.category {
            let until = adding(months: duty.months, to: record.createdAt)
            if until > date { return (duty, until) }
        }
        return nil
    }

    /// Decides an erasure request: delete everything about `party`, except records under a legal
    /// hold (kept untouched) and records under a statutory duty (anonymised, not deleted).
    public func erasure(of party: PartyID, records: [PersonalDataRecord], holds: [LegalHold], at date: Date) -> ErasureDecision {
        var actions: [RecordAction] = []
        var retained: [RetainedRecord] = []
        for record in records.sorted(by: { ($0.category, $0.id) < ($1.category, $1.id) }) where record.party == party {
            if let hold = hold(for: record, holds: holds, at: date) {
                retained.append(RetainedRecord(recordID: record.id, category: record.category,
                                               reason: .legalHold(id: hold.id, reason: hold.reason)))
            } else if let (duty, until) = statutory(for: record, at: date) {
                actions.append(RecordAction(recordID: record.id, party: party, category: record.category, action: .anonymise,
                                            reason: "GDPR Art. 17(3)(b): kept anonymised until \(until) under \(duty.source)"))
                retained.append(RetainedRecord(recordID: record.id, category: record.category,
                                               reason: .statutory(source: duty.source, until: until)))
            } else {
                actions.append(RecordAction(recordID: record.id, party: party, category: record.category, action: .delete,
                                            reason: "GDPR Art. 17(1): erasure requested"))
            }
        }
        return ErasureDecision(party: party, decidedAt: date, actions: actions, retained: retained)
    }

    /// Decides what retention rules require at `date`: a rule reaches a record `afterMonths` after
    /// its last activity; legal holds and unexpired statutory duties keep it (a delete becomes an anonymise under a duty).
    public func retention(records: [PersonalDataRecord], holds: [LegalHold], at date: Date) -> RetentionDecision {
        var actions: [RecordAction] = []
        var retained: [RetainedRecord] = []
        let rules = Dictionary(policy.retention.map { ($0.category, $0) }, uniquingKeysWith: { first, _ in first })
        for record in records.sorted(by: { ($0.party, $0.category, $0.id) < ($1.party, $1.category, $1.id) }) {
            guard let rule = rules[record.category], adding(months: rule.afterMonths, to: record.lastActivityAt) <= date else { continue }
            let reason = "retention: \(rule.category.rawValue) \(rule.action.rawValue) after \(rule.afterMonths) months"
            if let hold = hold(for: record, holds: holds, at: date) {
                retained.append(RetainedRecord(recordID: record.id, category: record.category,
                                               reason: .legalHold(id: hold.id, reason: hold.reason)))
            } else if let (duty, until) = statutory(for: record, at: date) {
                retained.append(RetainedRecord(recordID: record.id, category: record.category,
                                               reason: .statutory(source: duty.source, until: until)))
                if rule.action == .anonymise {
                    actions.append(RecordAction(recordID: record.id, party: record.party, category: record.category,
                                                action: .anonymise, reason: reason))
                }
            } else {
                actions.append(RecordAction(recordID: record.id, party: record.party, category: record.category,
                                            action: rule.action, reason: reason))
            }
        }
        return RetentionDecision(decidedAt: date, actions: actions, retained: retained)
    }

    /// The export plan for an access/portability request.
    public func exportPlan(for party: PartyID, at date: Date, categories: [PersonalDataCategory] = PersonalDataCategory.allCases) -> ExportPlan {
        ExportPlan(party: party, categories: categories, requestedAt: date, basis: "GDPR Art. 15 (access) and Art. 20 (portability)")
    }

    /// Fetches, decides and executes an erasure through `executor`; returns the decision and receipt.
    public func erase(_ party: PartyID, holds: [LegalHold], at date: Date, using executor: some PrivacyExecutor) async throws
        -> (decision: ErasureDecision, receipt: PrivacyReceipt)
    {
        let decision = erasure(of: party, records: try await executor.personalDataRecords(of: party), holds: holds, at: date)
        return (decision, try await executor.apply(decision.actions))
    }

    /// Fetches, decides and executes retention through `executor`.
    public func enforceRetention(holds: [LegalHold], at date: Date, using executor: some PrivacyExecutor) async throws
        -> (decision: RetentionDecision, receipt: PrivacyReceipt)
    {
        let shortest = policy.retention.map(\.afterMonths).min() ?? 0
        let cutoff = adding(months: -shortest, to: date)
        let decision = retention(records: try await executor.personalDataRecords(lastActiveBefore: cutoff.addingTimeInterval(1)),
                                 holds: holds, at: date)
        return (decision, try await executor.apply(decision.actions))
    }
}

/// Whether a party may be contacted or processed for a purpose, with the reason.
public struct ConsentDecision: Hashable, Sendable, Codable {
    /// Allowed or not.
    public var allowed: Bool
    /// Why.
    public var reason: String
}

extension PartyProfile {
    /// Consent check: only an explicit, current grant allows (GDPR Art. 7; a purpose never asked is not granted).
    public func consentDecision(for purpose: ConsentPurpose) -> ConsentDecision {
        guard let record = consents[purpose] else {
            return ConsentDecision(allowed: false, reason: "\(purpose.rawValue): never asked, so not granted")
        }
        return record.granted
            ? ConsentDecision(allowed: true, reason: "\(purpose.rawValue): granted at \(record.decidedAt)")
            : ConsentDecision(allowed: false, reason: "\(purpose.rawValue): refused or withdrawn at \(record.decidedAt)")
    }
}

/// An in-memory ``PrivacyExecutor``: the reference behaviour Storage backends must match.
public actor InMemoryPrivacyStore: PrivacyExecutor {
    /// A stored record: its summary and content.
    public struct StoredRecord: Hashable, Sendable {
        /// Summary.
        public var summary: PersonalDataRecord
        /// Content fields.
        public var fields: [String: String]

        /// A stored record.
        public init(summary: PersonalDataRecord, fields: [String: String]) {
            self.summary = summary
            self.fields = fields
        }
    }

    /// What anonymisation writes in place of personal text.
    public static let redacted = "[erased]"

    /// Records by id.
    public private(set) var records: [String: StoredRecord] = [:]

    /// A store holding `records`.
    public init(records: [StoredRecord] = []) {
        for r in records { self.records[r.summary.id] = r }
    }

    /// Every record of `party`.
    public func personalDataRecords(of party: PartyID) -> [PersonalDataRecord] {
        records.values.map(\.summary).filter { $0.party == party }.sorted { $0.id < $1.id }
    }

    /// Every record last active before `date`.
    public func personalDataRecords(lastActiveBefore date: Date) -> [PersonalDataRecord] {
        records.values.map(\.summary).filter { $0.lastActivityAt < date }.sorted { $0.id < $1.id }
    }

    /// Applies all actions, or none when one names an unknown record.
    public func apply(_ actions: [RecordAction]) throws -> PrivacyReceipt {
        for action in actions where records[action.recordID] == nil {
            throw PrivacyExecutionError.unknownRecord(action.recordID)
        }
        var deleted: [String] = [], anonymised: [String] = []
        for action in actions {
            switch action.action {
            case .delete:
                records[action.recordID] = nil
                deleted.append(action.recordID)
            case .anonymise:
                guard var record = records[action.recordID] else { continue }
                for key in record.fields.keys { record.fields[key] = Self.redacted }
                record.summary.party = PartyID("anonymous")
                records[action.recordID] = record
                anonymised.append(action.recordID)
            }
        }
        return PrivacyReceipt(deleted: deleted, anonymised: anonymised)
    }

    /// The plan's records with their content.
    public func export(_ plan: ExportPlan) -> PartyDataExport {
        let wanted = Set(plan.categories)
        let exported = records.values
            .filter { $0.summary.party == plan.party && wanted.contains($0.summary.category) }
            .sorted { ($0.summary.category, $0.summary.id) < ($1.summary.category, $1.summary.id) }
            .map { ExportedRecord(id: $0.summary.id, category: $0.summary.category, createdAt: $0.summary.createdAt, fields: $0.fields) }
        return PartyDataExport(party: plan.party, generatedAt: plan.requestedAt, basis: plan.basis, records: exported)
    }
}

/// Why a privacy executor refused a batch.
public enum PrivacyExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An action names a record the store does not hold; nothing was changed.
    case unknownRecord(String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .unknownRecord(let id): "no record \"\(id)\": nothing was changed; re-run the decision on fresh records"
        }
    }
}
