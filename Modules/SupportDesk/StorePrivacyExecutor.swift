import CustomerModel
import Foundation
import Policy
import Storage

/// Carries out Policy's privacy decisions (erasure, retention, export) on a store:
/// the seam between `Policy.PrivacyExecutor`, which knows the law, and
/// `Storage.PersonalDataStore`, which knows the rows. Neither module imports the other.
///
/// ```swift
/// let rules = try PrivacyRules(policy: policy.privacy)
/// let executor = StorePrivacyExecutor(store: store)
/// let decision = rules.erasure(of: "c-42", records: try await executor.personalDataRecords(of: "c-42"),
///                              holds: holds, at: now)
/// let receipt = try await executor.apply(decision.actions)
/// ```
public struct StorePrivacyExecutor<Store: PersonalDataStore>: PrivacyExecutor {
    /// The store.
    public let store: Store

    /// An executor over `store`.
    public init(store: Store) { self.store = store }

    /// Every record that holds data about `party`.
    ///
    /// - Throws: ``StorageError``.
    public func personalDataRecords(of party: PartyID) async throws -> [PersonalDataRecord] {
        try await store.personalRecords(of: party).map(Self.summary)
    }

    /// Every record last active before `date`.
    ///
    /// - Throws: ``StorageError``.
    public func personalDataRecords(lastActiveBefore date: Date) async throws -> [PersonalDataRecord] {
        try await store.personalRecords(lastActiveBefore: date).map(Self.summary)
    }

    /// Applies the actions in one transaction.
    ///
    /// - Throws: ``PrivacyExecutionError/unknownRecord(_:)`` when an action names a record the store
    ///   does not hold (nothing changed); ``StorageError`` when the store fails.
    public func apply(_ actions: [RecordAction]) async throws -> PrivacyReceipt {
        let changes = actions.map { action in
            PersonalDataChange(recordID: action.recordID, action: action.action == .delete ? .delete : .anonymise)
        }
        do { try await store.apply(changes) } catch {
            if case .notFound(let id) = error { throw PrivacyExecutionError.unknownRecord(id) }
            throw error
        }
        return PrivacyReceipt(
            deleted: actions.filter { $0.action == .delete }.map(\.recordID),
            anonymised: actions.filter { $0.action == .anonymise }.map(\.recordID))
    }

    /// The plan's records with their content (GDPR Art. 15 and 20).
    ///
    /// - Throws: ``StorageError``.
    public func export(_ plan: ExportPlan) async throws -> PartyDataExport {
        let wanted = Set(plan.categories)
        let records = try await store.personalRecords(of: plan.party)
            .map { (Self.category($0.category), $0) }
            .filter { wanted.contains($0.0) }
            .sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }
            .map { ExportedRecord(id: $0.1.id, category: $0.0, createdAt: $0.1.createdAt, fields: $0.1.fields) }
        return PartyDataExport(party: plan.party, generatedAt: plan.requestedAt, basis: plan.basis, records: records)
    }

    static func category(_ name: String) -> PersonalDataCategory { PersonalDataCategory(rawValue: name) ?? .messages }

    static func summary(_ record: PersonalRecord) -> PersonalDataRecord {
        PersonalDataRecord(
            id: record.id, party: record.party, category: category(record.category), createdAt: record.createdAt,
            lastActivityAt: record.lastActivityAt)
    }
}
