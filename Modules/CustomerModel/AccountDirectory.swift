import Foundation

/// An audited move of a stakeholder from one account to another
/// (a person changed employer, or was filed under the wrong account).
public struct StakeholderMove: Hashable, Sendable, Codable {
    /// Who moved.
    public var stakeholder: PartyID
    /// The account they left.
    public var from: PartyID
    /// The account they joined.
    public var to: PartyID
    /// Who moved them.
    public var actor: AuditActor
    /// Why.
    public var reason: String
    /// When.
    public var at: Date
}

/// The B2B directory: accounts (organisations) own conversations; their
/// stakeholders see them according to the account's ``AccountSharing``.
///
/// Invariants:
/// - a stakeholder never sees a conversation owned by an account they do not
///   belong to, whatever the sharing setting or participant list says;
/// - records of one person are merged only within one account
///   (``DirectoryError/crossAccountMerge(_:_:)``);
/// - moving a stakeholder is explicit and logged in ``moves``; conversations
///   stay with the account that owned them, so the person no longer sees
///   their old account's conversations after the move.
public struct AccountDirectory: CustomerDirectory, Equatable, Codable {
    /// Every account, by id.
    public private(set) var accounts: [PartyID: Account] = [:]
    /// Every stakeholder, by id.
    public private(set) var stakeholders: [PartyID: Stakeholder] = [:]
    /// Which stakeholder records are one person.
    public private(set) var identities = IdentityGraph()
    /// Every stakeholder move, oldest first.
    public private(set) var moves: [StakeholderMove] = []

    /// An empty directory.
    public init() {}

    /// Adds an account.
    ///
    /// - Throws: ``DirectoryError/duplicateID(_:)``.
    public mutating func add(_ account: Account) throws(DirectoryError) {
        guard accounts[account.id] == nil, stakeholders[account.id] == nil else { throw .duplicateID(account.id) }
        accounts[account.id] = account
    }

    /// Adds a stakeholder to their account and claims their contact points.
    ///
    /// - Throws: ``DirectoryError/duplicateID(_:)`` or ``DirectoryError/unknownParty(_:)`` for a missing account.
    public mutating func add(_ stakeholder: Stakeholder, at date: Date) throws(DirectoryError) {
        guard stakeholders[stakeholder.id] == nil, accounts[stakeholder.id] == nil else {
            throw .duplicateID(stakeholder.id)
        }
        guard accounts[stakeholder.accountID] != nil else { throw .unknownParty(stakeholder.accountID) }
        stakeholders[stakeholder.id] = stakeholder
        identities.add(stakeholder.id)
        for point in stakeholder.profile.contactPoints {
            identities.observe(point, on: stakeholder.id, verified: false, at: date)
        }
    }

    /// Merges two stakeholder records of the same account.
    ///
    /// - Throws: ``DirectoryError/crossAccountMerge(_:_:)`` when they belong to different accounts.
    @discardableResult
    public mutating func merge(
        _ first: PartyID, _ second: PartyID, evidence: MergeEvidence, actor: AuditActor, at date: Date
    ) throws(DirectoryError) -> MergeID? {
        guard let a = stakeholders[first] else { throw .unknownParty(first) }
        guard let b = stakeholders[second] else { throw .unknownParty(second) }
        guard a.accountID == b.accountID else { throw .crossAccountMerge(first, second) }
        do { return try identities.merge(first, second, evidence: evidence, actor: actor, at: date) } catch {
            throw .identity(error)
        }
    }

    /// Undoes a merge exactly (see ``IdentityGraph``).
    public mutating func undo(_ merge: MergeID, actor: AuditActor, at date: Date) throws(DirectoryError) {
        do { try identities.undo(merge, actor: actor, at: date) } catch { throw .identity(error) }
    }

    /// Moves a stakeholder to another account, logging who did it and why.
    ///
    /// - Throws: ``DirectoryError/unknownParty(_:)``, ``DirectoryError/alreadyInAccount(_:account:)``,
    ///   or ``DirectoryError/stakeholderIsMerged(_:with:)`` when other records are merged with it.
    public mutating func move(
        _ stakeholder: PartyID, to account: PartyID, actor: AuditActor, reason: String, at date: Date
    ) throws(DirectoryError) {
        guard let current = stakeholders[stakeholder] else { throw .unknownParty(stakeholder) }
        guard accounts[account] != nil else { throw .unknownParty(account) }
        guard current.accountID != account else { throw .alreadyInAccount(stakeholder, account: account) }
        let others = identities.records(samePersonAs: stakeholder).filter { $0 != stakeholder }
        guard others.isEmpty else { throw .stakeholderIsMerged(stakeholder, with: others) }
        stakeholders[stakeholder]?.accountID = account
        moves.append(
            StakeholderMove(
                stakeholder: stakeholder, from: current.accountID, to: account, actor: actor, reason: reason, at: date))
    }

    /// The stakeholders of an account, sorted by id.
    public func stakeholders(of account: PartyID) -> [Stakeholder] {
        stakeholders.values.filter { $0.accountID == account }.sorted { $0.id < $1.id }
    }

    public func resolve(_ contactPoint: ContactPoint) -> ResolvedParty? {
        guard let person = identities.primary(holding: contactPoint),
            let account = stakeholders[person]?.accountID
        else { return nil }
        return ResolvedParty(person: person, owner: account)
    }

    public func mayView(_ viewer: Viewer, _ conversation: ConversationAccess) -> Bool {
        switch viewer {
        case .agent: return true
        case .person(let person):
            guard let stakeholder = stakeholders[person], let account = accounts[conversation.owner],
                stakeholder.accountID == account.id
            else { return false }
            let tookPart = identities.records(samePersonAs: person).contains { conversation.participants.contains($0) }
            switch account.sharing {
            case .allStakeholders: return true
            case .participantsOnly: return tookPart
            case .participantsAndRoles(let roles): return tookPart || !stakeholder.roles.isDisjoint(with: roles)
            }
        }
    }
}
