import Conversation
import CustomerModel
import Foundation

/// A record a store holds about a person, as privacy requests see it (GDPR Art. 15, 17, 20).
///
/// Record ids name the row: `party:<id>` (the profile with its contact points),
/// `message:<id>`, `thread:<number>` (a ticket's subject and participants), `event:<sequence>`
/// (the audit trail). Categories use the names of Policy's `PersonalDataCategory`
/// (`profile`, `messages`, `auditLog`); the assembly maps between the two.
public struct PersonalRecord: Hashable, Sendable, Codable {
    /// The record id (see the type's documentation).
    public var id: String
    /// The data subject.
    public var party: PartyID
    /// `profile`, `messages` or `auditLog`.
    public var category: String
    /// When the record was created.
    public var createdAt: Date
    /// When it last changed.
    public var lastActivityAt: Date
    /// Its content, as text fields (for an export).
    public var fields: [String: String]

    /// A record.
    public init(id: String, party: PartyID, category: String, createdAt: Date, lastActivityAt: Date, fields: [String: String]) {
        self.id = id
        self.party = party
        self.category = category
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.fields = fields
    }
}

/// What to do with one personal record.
public struct PersonalDataChange: Hashable, Sendable {
    /// What happens to the record.
    public enum Action: String, Hashable, Sendable {
        /// Remove the row and its search entry.
        case delete
        /// Keep the row's facts (dates, status, channel); replace every text of the person with
        /// ``PersonalDataChange/redacted`` and the party with ``PersonalDataChange/anonymousParty``.
        case anonymise
    }

    /// The text that replaces erased text.
    public static let redacted = "[erased]"
    /// The party anonymised rows belong to.
    public static let anonymousParty = PartyID("anonymous")

    /// The record (``PersonalRecord/id``).
    public var recordID: String
    /// Delete or anonymise.
    public var action: Action

    /// A change.
    public init(recordID: String, action: Action) {
        self.recordID = recordID
        self.action = action
    }
}

extension PersonalDataChange {
    /// The events an erasure appends in its own transaction: one per kind of record, saying how
    /// many were deleted and anonymised — never whose, nor what they held.
    public static func erasureEvents(_ changes: [PersonalDataChange], at date: Date) -> [NewSupportEvent] {
        var counts: [String: (deleted: Int, anonymised: Int)] = [:]
        var deletedTickets: [ThreadID] = []
        var anonymisedTickets: [ThreadID] = []
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            if change.action == .delete { counts[kind, default: (0, 0)].deleted += 1 } else { counts[kind, default: (0, 0)].anonymised += 1 }
            if kind == "thread", let number = UInt64(key) {
                if change.action == .delete { deletedTickets.append(ThreadID(number)) } else { anonymisedTickets.append(ThreadID(number)) }
            }
        }
        var events = counts.keys.sorted().map { kind in
            let count = counts[kind] ?? (0, 0)
            return NewSupportEvent(at: date, kind: .erased(category: kind, records: count.deleted, anonymised: count.anonymised))
        }
        if !deletedTickets.isEmpty || !anonymisedTickets.isEmpty {
            events.append(NewSupportEvent(
                at: date, kind: .ticketsErased(deleted: deletedTickets.sorted(), anonymised: anonymisedTickets.sorted())))
        }
        return events
    }
}

/// Privacy duties a store carries out. Implementations apply one call's changes atomically
/// (all or none) and leave no text of a deleted or anonymised record readable in the store,
/// its search index or its write-ahead log.
public protocol PersonalDataStore: Sendable {
    /// Every record about `party`, with its content.
    func personalRecords(of party: PartyID) async throws(StorageError) -> [PersonalRecord]
    /// Every record last active before `date`, with its content (retention rules).
    func personalRecords(lastActiveBefore date: Date) async throws(StorageError) -> [PersonalRecord]
    /// Applies the changes in one transaction.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` naming the first unknown record id; nothing changes then.
    func apply(_ changes: [PersonalDataChange]) async throws(StorageError)
}

extension SupportMessage {
    /// The message with every text of its author replaced (anonymisation): subject, text,
    /// quoted text, HTML, author address and attachment names; the party set to anonymous.
    public var anonymised: SupportMessage {
        var message = self
        message.subject = subject.isEmpty ? "" : PersonalDataChange.redacted
        message.text = PersonalDataChange.redacted
        message.quotedText = nil
        message.html = nil
        message.author = nil
        message.person = PersonalDataChange.anonymousParty
        message.party = PersonalDataChange.anonymousParty
        message.attachments = attachments.map { AttachmentInfo(filename: nil, contentType: $0.contentType, size: $0.size) }
        return message
    }

    /// Text fields for an export.
    var exportFields: [String: String] {
        var fields = ["subject": subject, "text": text, "channel": channel.searchName, "direction": direction.rawValue]
        if let quotedText { fields["quoted_text"] = quotedText }
        if let html { fields["html"] = html }
        if let author { fields["author"] = author.value }
        if let language { fields["language"] = language }
        return fields
    }
}

extension SupportThread {
    /// The thread with its subject and participants removed and its owner anonymous.
    public var anonymised: SupportThread {
        var thread = self
        thread.subject = subject.isEmpty ? "" : PersonalDataChange.redacted
        thread.owner = PersonalDataChange.anonymousParty
        thread.participants = []
        return thread
    }

    var exportFields: [String: String] {
        ["subject": subject, "status": status.rawValue, "messages": messageIDs.map(\.rawValue).joined(separator: " ")]
    }
}

extension StoredParty {
    /// The party under a new random id (`anonymous-<UUID>`: the old id may be an e-mail
    /// address), with a profile that keeps only its tier; a stakeholder keeps its account and roles.
    public static func anonymised(_ party: StoredParty) -> StoredParty {
        let id = PartyID("anonymous-\(UUID().uuidString.lowercased())")
        var profile = PartyProfile(displayName: PersonalDataChange.redacted)
        profile.tier = party.profile.tier
        switch party {
        case .customer: return .customer(Customer(id: id, profile: profile))
        case .account(let account): return .account(Account(id: id, profile: profile, sharing: account.sharing))
        case .stakeholder(let stakeholder):
            return .stakeholder(Stakeholder(id: id, accountID: stakeholder.accountID, roles: stakeholder.roles, profile: profile))
        }
    }

    var exportFields: [String: String] {
        var fields = ["display_name": profile.displayName]
        fields["contact_points"] = profile.contactPoints.map(\.value).joined(separator: " ")
        if let language = profile.preferredLanguage { fields["preferred_language"] = language }
        if let zone = profile.timeZoneIdentifier { fields["time_zone"] = zone }
        if let register = profile.register { fields["register"] = register.rawValue }
        if let country = profile.country { fields["country"] = country }
        // Orders and returns the desk holds are the person's data too (Art. 15).
        if !profile.commerce.orders.isEmpty {
            fields["orders"] = profile.commerce.orders.map { order in
                "\(order.id) \(order.status) \(order.totalMinorUnits) \(order.currency) (minor units) placed \(order.placedAt.timeIntervalSince1970)"
            }.joined(separator: "; ")
        }
        if !profile.commerce.returns.isEmpty {
            fields["returns"] = profile.commerce.returns.map { "\($0.id) of \($0.order) \($0.condition) \($0.status)" }.joined(separator: "; ")
        }
        return fields
    }
}

extension SupportEventKind {
    /// The event as text, for an export.
    var exportDescription: String { String(describing: self) }
}

/// How a store splits its rows into ``PersonalRecord``s; shared by the backends so that
/// record ids and categories are the same everywhere.
public enum PersonalRecordID {
    /// `party:<id>`.
    public static func party(_ id: PartyID) -> String { "party:\(id.rawValue)" }
    /// `message:<id>`.
    public static func message(_ id: MessageID) -> String { "message:\(id.rawValue)" }
    /// `thread:<number>`.
    public static func thread(_ id: ThreadID) -> String { "thread:\(id.rawValue)" }
    /// `event:<sequence>`.
    public static func event(_ sequence: Int64) -> String { "event:\(sequence)" }

    /// The kind and key of a record id; nil when it is not one of the four forms.
    public static func parse(_ recordID: String) -> (kind: String, key: String)? {
        guard let colon = recordID.firstIndex(of: ":") else { return nil }
        let kind = String(recordID[..<colon])
        let key = String(recordID[recordID.index(after: colon)...])
        guard ["party", "message", "thread", "event"].contains(kind), !key.isEmpty else { return nil }
        return (kind, key)
    }

    /// The profile record of a party.
    public static func record(_ party: StoredParty, at date: Date) -> PersonalRecord {
        PersonalRecord(id: Self.party(party.id), party: party.id, category: "profile", createdAt: date, lastActivityAt: date,
            fields: party.exportFields)
    }

    /// The record of a message, as one of `party`'s.
    public static func record(_ message: SupportMessage, party: PartyID) -> PersonalRecord {
        PersonalRecord(id: Self.message(message.id), party: party, category: "messages", createdAt: message.sentAt,
            lastActivityAt: message.receivedAt, fields: message.exportFields)
    }

    /// The record of a thread (its owner's).
    public static func record(_ thread: SupportThread) -> PersonalRecord {
        PersonalRecord(id: Self.thread(thread.id), party: thread.owner, category: "messages", createdAt: thread.createdAt,
            lastActivityAt: thread.updatedAt, fields: thread.exportFields)
    }

    /// The record of an event.
    public static func record(_ event: SupportEvent, party: PartyID) -> PersonalRecord {
        PersonalRecord(id: Self.event(event.sequence), party: party, category: "auditLog", createdAt: event.at,
            lastActivityAt: event.at, fields: ["event": event.kind.exportDescription])
    }
}

/// Gathers a store's rows into ``PersonalRecord``s, one pass over each table, and dates each
/// party's profile by its first and last message. Both backends use it, so their records agree.
public struct PersonalRecordCollector {
    private var records: [PersonalRecord] = []
    private var activity: [PartyID: (first: Date, last: Date)] = [:]
    private var parties: [StoredParty] = []
    private let party: PartyID?

    /// Collects every party's records, or only `party`'s.
    public init(party: PartyID? = nil) { self.party = party }

    /// A message: a record of its owning party and, when different, of its author (a B2B stakeholder).
    public mutating func add(_ message: SupportMessage) {
        for owner in Set([message.party, message.person].compactMap { $0 }) where party == nil || owner == party {
            records.append(PersonalRecordID.record(message, party: owner))
            let span = activity[owner] ?? (message.sentAt, message.receivedAt)
            activity[owner] = (min(span.first, message.sentAt), max(span.last, message.receivedAt))
        }
    }

    /// A party's profile (dated when ``records()`` is called).
    public mutating func add(_ stored: StoredParty) {
        if party == nil || stored.id == party { parties.append(stored) }
    }

    /// A thread, a record of its owner.
    public mutating func add(_ thread: SupportThread) {
        if party == nil || thread.owner == party { records.append(PersonalRecordID.record(thread)) }
    }

    /// An event, a record of its party (events without one name nobody).
    public mutating func add(_ event: SupportEvent) {
        if let owner = event.party, party == nil || owner == party { records.append(PersonalRecordID.record(event, party: owner)) }
    }

    /// The records, ordered by id.
    public func collected() -> [PersonalRecord] {
        let never = Date(timeIntervalSince1970: 0)
        let profiles = parties.map { stored in
            let span = activity[stored.id] ?? (never, never)
            var record = PersonalRecordID.record(stored, at: span.first)
            record.lastActivityAt = span.last
            return record
        }
        return (records + profiles).sorted { $0.id < $1.id }
    }
}
