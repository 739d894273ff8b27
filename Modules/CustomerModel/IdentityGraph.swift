import Foundation

/// Identifies one merge in an ``IdentityGraph``'s log.
public struct MergeID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Position in the merge log, from 0.
    public let rawValue: Int
    /// Wraps a log position.
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: MergeID, rhs: MergeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "merge#\(rawValue)" }
}

/// Why two records were judged to be one person.
public enum MergeEvidence: Hashable, Sendable, Codable {
    /// Both records hold the same e-mail address and it was verified (a link was clicked, a login used it).
    case sameVerifiedEmail(ContactPoint)
    /// Both records hold the same phone number.
    case samePhone(ContactPoint)
    /// Both records hold the same handle on a platform that vouches for identity (a logged-in chat).
    case sameVerifiedHandle(ContactPoint)
    /// An agent decided, with a note saying why.
    case agentDecision(AgentID, note: String)
}

/// Who made a change recorded in an audit log.
public enum AuditActor: Hashable, Sendable, Codable {
    /// SupportKit itself, applying a rule (automatic identity resolution).
    case system
    /// An agent, by hand.
    case agent(AgentID)
}

/// One merge in the log: which two records, on what evidence, by whom, and whether it was undone.
public struct MergeRecord: Hashable, Sendable, Codable, Identifiable {
    /// The merge's id.
    public let id: MergeID
    /// The record the evidence was found on first.
    public let first: PartyID
    /// The record the evidence ties to it.
    public let second: PartyID
    /// Why they are one person.
    public let evidence: MergeEvidence
    /// Who merged.
    public let actor: AuditActor
    /// When.
    public let at: Date
    /// Who undid the merge, if it was undone.
    public internal(set) var undoneBy: AuditActor?
    /// When it was undone, if it was.
    public internal(set) var undoneAt: Date?

    /// Whether the merge is in force.
    public var isActive: Bool { undoneBy == nil }

    init(id: MergeID, first: PartyID, second: PartyID, evidence: MergeEvidence, actor: AuditActor, at: Date) {
        self.id = id
        self.first = first
        self.second = second
        self.evidence = evidence
        self.actor = actor
        self.at = at
    }
}

/// Why an identity operation was refused.
public enum IdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The record is not in the graph.
    case unknownRecord(PartyID)
    /// There is no merge with that id.
    case unknownMerge(MergeID)
    /// The merge was already undone.
    case alreadyUndone(MergeID)
    /// A record cannot be merged with itself.
    case selfMerge(PartyID)

    public var description: String {
        switch self {
        case .unknownRecord(let id): "no record \(id) in the identity graph"
        case .unknownMerge(let id): "no \(id) in the merge log"
        case .alreadyUndone(let id): "\(id) was already undone"
        case .selfMerge(let id): "cannot merge \(id) with itself"
        }
    }
}

/// Which records are one person, built from proven evidence, with every merge undoable.
///
/// Records are never modified by a merge: the graph only records that two of
/// them are the same person (an edge with its evidence) and keeps the
/// connected components in ``DisjointSets``. The *primary* record of
/// a component is its oldest (the first added), so the answer does not depend
/// on the order merges arrived in.
///
/// **Undo is exact.** Undoing a merge removes its edge and rebuilds only the
/// affected component from the edges that remain. Later merges are edges between
/// the two records *their* evidence named, so they stay in force: after
/// `A–B` (merge 1) and `B–C` (merge 2), undoing merge 1 leaves `{A}` and `{B, C}`.
/// The graph after "merge, then undo" equals the graph before the merge
/// (``==`` compares records, contact ownership, active merges and components;
/// the log of undone merges is history and is not compared).
///
/// Cost: adding, observing and merging are amortised O(α(n)); undo is
/// O(size of the component + number of merges in the log).
public struct IdentityGraph: Sendable {
    private var ids: [PartyID] = []
    private var index: [PartyID: Int32] = [:]
    /// People as sets of record slots; a set's name is its oldest record.
    private var people = DisjointSets()
    /// Interned contact points: handle → contact point, and back.
    private var contacts: [ContactPoint] = []
    private var contactHandles: [ContactPoint: Int32] = [:]
    /// The record that first claimed each interned contact point, or -1.
    private var contactOwner: [Int32] = []
    /// Every merge ever made, in order; undone ones are kept, marked.
    public private(set) var mergeLog: [MergeRecord] = []

    /// An empty graph.
    public init() {}

    /// Reserves room for `records` records and `contactPoints` contact points.
    public mutating func reserveCapacity(records: Int, contactPoints: Int) {
        ids.reserveCapacity(records)
        index.reserveCapacity(records)
        people.reserveCapacity(records)
        contacts.reserveCapacity(contactPoints)
        contactHandles.reserveCapacity(contactPoints)
        contactOwner.reserveCapacity(contactPoints)
    }

    /// The number of records.
    public var recordCount: Int { ids.count }

    /// Whether the graph holds `record`.
    public func contains(_ record: PartyID) -> Bool { index[record] != nil }

    /// Adds a record; adding one that exists does nothing.
    ///
    /// - Returns: whether the record was new.
    @discardableResult
    public mutating func add(_ record: PartyID) -> Bool {
        if index[record] != nil { return false }
        _ = slot(for: record)
        return true
    }

    private mutating func slot(for record: PartyID) -> Int32 {
        let new = Int32(ids.count)
        // One hash probe: the default is inserted only when the record is new.
        let slot = Self.readOrInsert(&index[record, default: new])
        guard slot == new else { return slot }
        ids.append(record)
        people.makeSet()
        return new
    }

    /// The record that first claimed `contactPoint`, if any.
    public func claimant(of contactPoint: ContactPoint) -> PartyID? {
        guard let handle = contactHandles[contactPoint], contactOwner[Int(handle)] >= 0 else { return nil }
        return ids[Int(contactOwner[Int(handle)])]
    }

    /// Records that `record` holds `contactPoint`, adding the record if new, and
    /// merges it with the record that already holds the contact point when that
    /// proves they are one person.
    ///
    /// Proof is a phone number, or an e-mail address or handle marked verified.
    /// An unverified e-mail address is not proof (shared family and office
    /// mailboxes are common): it is recorded only if no record holds it yet.
    ///
    /// - Returns: the merge made, or `nil` when none was needed or proven.
    @discardableResult
    public mutating func observe(
        _ contactPoint: ContactPoint, on record: PartyID, verified: Bool, at date: Date
    ) -> MergeID? {
        observe(handle(for: contactPoint), on: handle(for: record), verified: verified, at: date)
    }

    /// The same as ``observe(_:on:verified:at:)`` with interned handles: the
    /// fast path for event streams that refer to the same records and contact
    /// points many times (no string hashing per event).
    @discardableResult
    public mutating func observe(
        _ contact: ContactHandle, on record: RecordHandle, verified: Bool, at date: Date
    ) -> MergeID? {
        let recordSlot = record.slot
        let holder = contactOwner[Int(contact.slot)]
        if holder < 0 {
            contactOwner[Int(contact.slot)] = recordSlot
            return nil
        }
        if holder == recordSlot { return nil }
        let contactPoint = contacts[Int(contact.slot)]
        let evidence: MergeEvidence
        switch contactPoint.kind {
        case .phone: evidence = .samePhone(contactPoint)
        case .email where verified: evidence = .sameVerifiedEmail(contactPoint)
        case .handle where verified: evidence = .sameVerifiedHandle(contactPoint)
        default: return nil
        }
        guard !people.inSameSet(holder, recordSlot) else { return nil }
        return link(holder, recordSlot, evidence: evidence, actor: .system, at: date)
    }

    /// The handle of a record, adding the record if it is new.
    public mutating func handle(for record: PartyID) -> RecordHandle { RecordHandle(slot: slot(for: record)) }

    /// The handle of a contact point, interning it if it is new (interning does not claim it).
    public mutating func handle(for contactPoint: ContactPoint) -> ContactHandle {
        let new = Int32(contacts.count)
        let handle = Self.readOrInsert(&contactHandles[contactPoint, default: new])
        if handle == new {
            contacts.append(contactPoint)
            contactOwner.append(-1)
        }
        return ContactHandle(slot: handle)
    }

    /// Merges two records on the given evidence.
    ///
    /// - Returns: the merge, or `nil` when the records are already one person
    ///   (nothing is logged then).
    /// - Throws: ``IdentityError/unknownRecord(_:)`` or ``IdentityError/selfMerge(_:)``.
    @discardableResult
    public mutating func merge(
        _ first: PartyID, _ second: PartyID, evidence: MergeEvidence, actor: AuditActor, at date: Date
    ) throws(IdentityError) -> MergeID? {
        guard let a = index[first] else { throw .unknownRecord(first) }
        guard let b = index[second] else { throw .unknownRecord(second) }
        guard a != b else { throw .selfMerge(first) }
        guard !people.inSameSet(a, b) else { return nil }
        return link(a, b, evidence: evidence, actor: actor, at: date)
    }

    private mutating func link(_ a: Int32, _ b: Int32, evidence: MergeEvidence, actor: AuditActor, at date: Date)
        -> MergeID
    {
        let id = MergeID(rawValue: mergeLog.count)
        mergeLog.append(
            MergeRecord(id: id, first: ids[Int(a)], second: ids[Int(b)], evidence: evidence, actor: actor, at: date))
        people.union(a, b)
        return id
    }

    /// Undoes a merge exactly; see the type's documentation for what happens to later merges.
    ///
    /// - Throws: ``IdentityError/unknownMerge(_:)`` or ``IdentityError/alreadyUndone(_:)``.
    public mutating func undo(_ merge: MergeID, actor: AuditActor, at date: Date) throws(IdentityError) {
        guard mergeLog.indices.contains(merge.rawValue) else { throw .unknownMerge(merge) }
        guard mergeLog[merge.rawValue].isActive else { throw .alreadyUndone(merge) }
        mergeLog[merge.rawValue].undoneBy = actor
        mergeLog[merge.rawValue].undoneAt = date
        guard let a = index[mergeLog[merge.rawValue].first] else { return }
        people.rebuild(setOf: a, edges: activeEdges)
    }

    private var activeEdges: [(Int32, Int32)] {
        mergeLog.compactMap { record in
            guard record.isActive, let x = index[record.first], let y = index[record.second] else { return nil }
            return (x, y)
        }
    }

    /// The primary (oldest) record of the person `record` belongs to, or `nil` if unknown.
    public func primary(of record: PartyID) -> PartyID? {
        guard let slot = index[record] else { return nil }
        return ids[Int(people.name(of: slot))]
    }

    /// The primary record of whoever holds `contactPoint`.
    public func primary(holding contactPoint: ContactPoint) -> PartyID? {
        guard let handle = contactHandles[contactPoint] else { return nil }
        let slot = contactOwner[Int(handle)]
        guard slot >= 0 else { return nil }
        return ids[Int(people.name(of: slot))]
    }

    /// Whether two records are the same person.
    public func areSamePerson(_ a: PartyID, _ b: PartyID) -> Bool {
        guard let x = index[a], let y = index[b] else { return false }
        return people.inSameSet(x, y)
    }

    /// Every record of the person `record` belongs to, oldest first.
    public func records(samePersonAs record: PartyID) -> [PartyID] {
        guard let start = index[record] else { return [] }
        return people.members(of: start).map { ids[Int($0)] }
    }

    /// The merges in force, oldest first.
    public var activeMerges: [MergeRecord] { mergeLog.filter(\.isActive) }

    private static func readOrInsert(_ value: inout Int32) -> Int32 { value }

}

extension IdentityGraph: Equatable {
    /// Equal when both hold the same records in the same order, the same contact
    /// ownership, the same merges in force, and therefore the same people.
    /// Undone merges are history, not state, and are not compared.
    public static func == (lhs: IdentityGraph, rhs: IdentityGraph) -> Bool {
        guard lhs.ids == rhs.ids, lhs.claims == rhs.claims else { return false }
        guard lhs.activeMerges.map(\.withoutUndo) == rhs.activeMerges.map(\.withoutUndo) else { return false }
        return lhs.people == rhs.people
    }
}

extension IdentityGraph {
    /// Which record claimed each claimed contact point.
    fileprivate var claims: [ContactPoint: Int32] {
        var result: [ContactPoint: Int32] = [:]
        for (handle, owner) in contactOwner.enumerated() where owner >= 0 { result[contacts[handle]] = owner }
        return result
    }
}

/// An interned record in one ``IdentityGraph``; meaningless in another graph.
public struct RecordHandle: Hashable, Sendable {
    let slot: Int32
}

/// An interned contact point in one ``IdentityGraph``; meaningless in another graph.
public struct ContactHandle: Hashable, Sendable {
    let slot: Int32
}

extension MergeRecord {
    fileprivate var withoutUndo: MergeRecord {
        var copy = self
        copy.undoneBy = nil
        copy.undoneAt = nil
        return copy
    }
}

extension IdentityGraph: Codable {
    private enum CodingKeys: String, CodingKey { case records, claims, merges }

    private struct Claim: Codable {
        var contactPoint: ContactPoint
        var record: PartyID
    }

    /// Encodes the records in order, who claimed each contact point, and the
    /// whole merge log (undone merges included, so the audit trail survives).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ids, forKey: .records)
        let claimList = contactOwner.enumerated().compactMap { handle, owner in
            owner >= 0 ? Claim(contactPoint: contacts[handle], record: ids[Int(owner)]) : nil
        }
        try container.encode(claimList, forKey: .claims)
        try container.encode(mergeLog, forKey: .merges)
    }

    /// Rebuilds a graph from its encoded form.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when a claim or merge names a
    ///   record that is not in the record list, or merge ids are out of order.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        for record in try container.decode([PartyID].self, forKey: .records) { add(record) }
        for claim in try container.decode([Claim].self, forKey: .claims) {
            guard let slot = index[claim.record] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .claims, in: container, debugDescription: "claim by unknown record \(claim.record)")
            }
            let handle = handle(for: claim.contactPoint)
            contactOwner[Int(handle.slot)] = slot
        }
        let log = try container.decode([MergeRecord].self, forKey: .merges)
        for (position, record) in log.enumerated() {
            guard record.id.rawValue == position, let a = index[record.first], let b = index[record.second] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .merges, in: container, debugDescription: "merge \(record.id) is out of order or names an unknown record")
            }
            mergeLog.append(record)
            if record.isActive { people.union(a, b) }
        }
    }
}
