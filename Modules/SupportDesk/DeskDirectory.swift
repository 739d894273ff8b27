import CustomerModel
import Foundation
import Storage

/// Who a message's customer side is, as a ``DeskDirectory`` resolved it.
public struct DeskParty: Hashable, Sendable {
    /// The person who wrote (a B2C customer, a B2B stakeholder); nil when unknown.
    public var person: PartyID?
    /// The party that owns the conversation (the customer, the account); nil for a sender
    /// the desk files under nobody (a B2B sender of no known account).
    public var party: PartyID?
    /// A party record the resolution created (a new customer, a new stakeholder at an
    /// account's domain); the desk stores it in the message's transaction.
    public var created: StoredParty?

    /// A resolution.
    public init(person: PartyID?, party: PartyID?, created: StoredParty? = nil) {
        self.person = person
        self.party = party
        self.created = created
    }
}

/// The configuration that makes a ``Desk`` a B2C or a B2B desk: how a contact point becomes
/// a party and who may see a conversation, decided over the store's records inside the
/// desk's transaction (the store holds the parties and the identity graph; nothing is kept
/// in memory between transactions).
public protocol DeskDirectory: Sendable {
    /// The parties behind a contact point, creating one when this configuration does.
    func resolve(_ point: ContactPoint, name: String?, at date: Date, in transaction: DeskTransaction) throws(StorageError)
        -> DeskParty
    /// Whether `person` may see a conversation (the directory's rule).
    func mayView(_ person: PartyID, _ access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError)
        -> Bool
    /// The people who may see a conversation.
    func viewers(of access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError) -> [PartyID]
    /// The B2B account a message's search entry is filed under (the `account:` filter); nil for B2C.
    func searchAccount(of party: PartyID?) -> PartyID?
}

/// B2C: one buyer per conversation. A contact point nobody holds becomes a new customer whose
/// id is the normalised point (an address, an E.164 number, `platform:handle`); a customer
/// sees the conversations they own, and those of records merged with theirs.
public struct SingleBuyerDeskDirectory: DeskDirectory {
    /// Whether unknown contact points become customers (a host with its own customer
    /// database may import them first and turn this off: unknown senders are then unassigned).
    public var createsCustomers: Bool

    /// The B2C configuration.
    public init(createsCustomers: Bool = true) { self.createsCustomers = createsCustomers }

    public func resolve(_ point: ContactPoint, name: String?, at date: Date, in transaction: DeskTransaction)
        throws(StorageError) -> DeskParty
    {
        if let known = try transaction.party(holding: point) { return DeskParty(person: known, party: known) }
        guard createsCustomers else { return DeskParty(person: nil, party: nil) }
        let id = PartyID(Self.partyID(of: point))
        if let existing = try transaction.party(id) {
            // A record under that id that no longer holds the point (an agent edited it): reuse it.
            let primary = try transaction.primaryParty(of: existing.id)
            return DeskParty(person: primary, party: primary)
        }
        let channel: ChannelKind? = point.kind == .email ? .email : nil
        let customer = Customer(
            id: id, profile: PartyProfile(displayName: name ?? point.value, contactPoints: [point], preferredChannel: channel))
        return DeskParty(person: id, party: id, created: .customer(customer))
    }

    public func mayView(_ person: PartyID, _ access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError)
        -> Bool
    {
        if person == access.owner { return true }
        // Different records: one person only through a stored identity merge (and a stored party).
        guard try transaction.samePerson(person, access.owner) else { return false }
        return try transaction.party(person) != nil
    }

    public func viewers(of access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError) -> [PartyID] {
        [try transaction.primaryParty(of: access.owner)]
    }

    public func searchAccount(of party: PartyID?) -> PartyID? { nil }

    /// A new customer's id: the point's normalised value, with the platform for a handle.
    static func partyID(of point: ContactPoint) -> String {
        switch point.kind {
        case .email, .phone: point.value
        case .handle(let platform): "\(platform):\(point.value)"
        }
    }
}

/// B2B: accounts own conversations; their stakeholders see them by the account's sharing
/// setting and never another account's. A new address at a domain registered for an account
/// (`acme.example` → `acct-acme`) becomes a stakeholder of that account with
/// ``newStakeholderRoles``, as B2B helpdesks do with organisation domains; any other unknown
/// sender is unassigned: threaded, owned by no account, so no tag or subject can attach it to
/// an account's conversation.
public struct AccountDeskDirectory: DeskDirectory {
    /// E-mail domains (lower case) of each account's people.
    public var accountDomains: [String: PartyID]
    /// The roles a stakeholder created from a known domain gets.
    public var newStakeholderRoles: Set<StakeholderRole>

    /// The B2B configuration.
    public init(accountDomains: [String: PartyID] = [:], newStakeholderRoles: Set<StakeholderRole> = [.buyer]) {
        self.accountDomains = accountDomains.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }
        self.newStakeholderRoles = newStakeholderRoles
    }

    public func resolve(_ point: ContactPoint, name: String?, at date: Date, in transaction: DeskTransaction)
        throws(StorageError) -> DeskParty
    {
        if let known = try transaction.party(holding: point) {
            if case .stakeholder(let stakeholder)? = try transaction.party(known) {
                return DeskParty(person: stakeholder.id, party: stakeholder.accountID)
            }
            if case .account? = try transaction.party(known) { return DeskParty(person: nil, party: known) }
        }
        guard point.kind == .email, let account = accountDomains[Self.domain(of: point)],
            case .account? = try transaction.party(account)
        else { return DeskParty(person: nil, party: nil) }
        let id = PartyID(point.value)
        if case .stakeholder(let existing)? = try transaction.party(id) {
            return DeskParty(person: existing.id, party: existing.accountID)
        }
        let stakeholder = Stakeholder(
            id: id, accountID: account, roles: newStakeholderRoles,
            profile: PartyProfile(displayName: name ?? point.value, contactPoints: [point], preferredChannel: .email))
        return DeskParty(person: id, party: account, created: .stakeholder(stakeholder))
    }

    public func mayView(_ person: PartyID, _ access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError)
        -> Bool
    {
        try transaction.accountMayView(person, access)
    }

    public func viewers(of access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError) -> [PartyID] {
        var viewers: [PartyID] = []
        for stakeholder in try transaction.stakeholders(of: access.owner) where try transaction.accountMayView(stakeholder.id, access) {
            viewers.append(stakeholder.id)
        }
        return viewers
    }

    public func searchAccount(of party: PartyID?) -> PartyID? { party }

    static func domain(of point: ContactPoint) -> String {
        point.value.split(separator: "@").last.map { $0.lowercased() } ?? ""
    }
}

/// Any ``DeskDirectory`` behind one type, for hosts that choose B2C or B2B at run time
/// (the example CLIs share their commands this way).
public struct AnyDeskDirectory: DeskDirectory {
    /// The directory wrapped.
    public let base: any DeskDirectory

    /// Wraps `base`.
    public init(_ base: any DeskDirectory) { self.base = base }

    public func resolve(_ point: ContactPoint, name: String?, at date: Date, in transaction: DeskTransaction)
        throws(StorageError) -> DeskParty
    {
        try base.resolve(point, name: name, at: date, in: transaction)
    }

    public func mayView(_ person: PartyID, _ access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError)
        -> Bool
    {
        try base.mayView(person, access, in: transaction)
    }

    public func viewers(of access: ConversationAccess, in transaction: DeskTransaction) throws(StorageError) -> [PartyID] {
        try base.viewers(of: access, in: transaction)
    }

    public func searchAccount(of party: PartyID?) -> PartyID? { base.searchAccount(of: party) }
}
