import Foundation

/// Why a directory refused a change.
public enum DirectoryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A record with this id exists already.
    case duplicateID(PartyID)
    /// No record has this id.
    case unknownParty(PartyID)
    /// The two stakeholders belong to different accounts; merging them would
    /// let one account see the other's conversations.
    case crossAccountMerge(PartyID, PartyID)
    /// The stakeholder is merged with other records; undo those merges before moving it.
    case stakeholderIsMerged(PartyID, with: [PartyID])
    /// The stakeholder already belongs to that account.
    case alreadyInAccount(PartyID, account: PartyID)
    /// The identity graph refused the operation.
    case identity(IdentityError)

    public var description: String {
        switch self {
        case .duplicateID(let id): "a party with id \(id) exists already"
        case .unknownParty(let id): "no party with id \(id)"
        case .crossAccountMerge(let a, let b): "\(a) and \(b) belong to different accounts and cannot be merged"
        case .stakeholderIsMerged(let id, let others):
            "stakeholder \(id) is merged with \(others.map(\.rawValue).joined(separator: ", ")); undo those merges first"
        case .alreadyInAccount(let id, let account): "stakeholder \(id) already belongs to \(account)"
        case .identity(let error): error.description
        }
    }
}

/// The B2C directory: one buyer per conversation.
///
/// A customer sees their own conversations, and those of records proven to be
/// the same person (see ``IdentityGraph``); agents see all. Nobody else sees
/// anything. Records are value types: wrap the directory in an actor or a
/// lock when several tasks change it.
public struct SingleBuyerDirectory: CustomerDirectory, Equatable, Codable {
    /// Every customer record, by id.
    public private(set) var customers: [PartyID: Customer] = [:]
    /// Which records are one person.
    public private(set) var identities = IdentityGraph()

    /// An empty directory.
    public init() {}

    /// Adds a customer and claims their contact points.
    ///
    /// A contact point another record already holds stays with that record; no
    /// merge happens on adding (call ``observe(_:on:verified:at:)`` with proof).
    ///
    /// - Throws: ``DirectoryError/duplicateID(_:)``.
    public mutating func add(_ customer: Customer, at date: Date) throws(DirectoryError) {
        guard customers[customer.id] == nil else { throw .duplicateID(customer.id) }
        customers[customer.id] = customer
        identities.add(customer.id)
        for point in customer.profile.contactPoints {
            identities.observe(point, on: customer.id, verified: false, at: date)
        }
    }

    /// Records that a customer used a contact point, merging with the record
    /// that already holds it when that is proof of one person
    /// (see ``IdentityGraph/observe(_:on:verified:at:)``).
    ///
    /// - Throws: ``DirectoryError/unknownParty(_:)``.
    @discardableResult
    public mutating func observe(_ contactPoint: ContactPoint, on customer: PartyID, verified: Bool, at date: Date)
        throws(DirectoryError) -> MergeID?
    {
        guard customers[customer] != nil else { throw .unknownParty(customer) }
        if !(customers[customer]?.profile.contactPoints.contains(contactPoint) ?? true) {
            customers[customer]?.profile.contactPoints.append(contactPoint)
        }
        return identities.observe(contactPoint, on: customer, verified: verified, at: date)
    }

    /// Merges two customer records by an agent's decision or other evidence.
    ///
    /// - Throws: ``DirectoryError/identity(_:)`` for unknown records or a self-merge.
    @discardableResult
    public mutating func merge(
        _ first: PartyID, _ second: PartyID, evidence: MergeEvidence, actor: AuditActor, at date: Date
    ) throws(DirectoryError) -> MergeID? {
        do { return try identities.merge(first, second, evidence: evidence, actor: actor, at: date) } catch {
            throw .identity(error)
        }
    }

    /// Undoes a merge exactly (see ``IdentityGraph``).
    ///
    /// - Throws: ``DirectoryError/identity(_:)`` for an unknown or already undone merge.
    public mutating func undo(_ merge: MergeID, actor: AuditActor, at date: Date) throws(DirectoryError) {
        do { try identities.undo(merge, actor: actor, at: date) } catch { throw .identity(error) }
    }

    /// The profile an agent sees for a customer: the primary record's profile,
    /// with the contact points of every record of the same person and their
    /// commerce summaries added together.
    public func profile(of customer: PartyID) -> PartyProfile? {
        guard let primaryID = identities.primary(of: customer), var merged = customers[primaryID]?.profile
        else { return nil }
        for other in identities.records(samePersonAs: customer) where other != primaryID {
            guard let profile = customers[other]?.profile else { continue }
            for point in profile.contactPoints where !merged.contactPoints.contains(point) {
                merged.contactPoints.append(point)
            }
            merged.commerce.add(profile.commerce)
        }
        return merged
    }

    public func resolve(_ contactPoint: ContactPoint) -> ResolvedParty? {
        guard let primary = identities.primary(holding: contactPoint) else { return nil }
        return ResolvedParty(person: primary, owner: primary)
    }

    public func mayView(_ viewer: Viewer, _ conversation: ConversationAccess) -> Bool {
        switch viewer {
        case .agent: return true
        case .person(let person):
            guard customers[person] != nil, customers[conversation.owner] != nil else { return false }
            return identities.areSamePerson(person, conversation.owner)
        }
    }
}

extension CommerceSummary {
    /// Adds another summary's counts and spend to this one (for merged identities).
    public mutating func add(_ other: CommerceSummary) {
        orderCount += other.orderCount
        returnCount += other.returnCount
        refundCount += other.refundCount
        for (currency, amount) in other.spentMinorUnits { spentMinorUnits[currency, default: 0] += amount }
        if let last = other.lastOrderAt, lastOrderAt.map({ last > $0 }) ?? true { lastOrderAt = last }
        openOrderIDs.append(contentsOf: other.openOrderIDs.filter { !openOrderIDs.contains($0) })
        // The details behind the counts, so a merged profile holds the orders it counts.
        orders.append(contentsOf: other.orders.filter { order in !orders.contains { $0.id == order.id } })
        returns.append(contentsOf: other.returns.filter { item in !returns.contains { $0.id == item.id } })
    }
}
