import Foundation

/// A purpose a person can consent to (GDPR Art. 6(1)(a) / 7; CCPA opt-outs).
public struct ConsentPurpose: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    /// The purpose's name.
    public let rawValue: String
    /// Names a purpose.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Names a purpose written as a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Marketing e-mail and SMS.
    public static let marketing: ConsentPurpose = "marketing"
    /// Satisfaction surveys (CSAT, NPS) after a conversation.
    public static let surveys: ConsentPurpose = "surveys"
    /// Keeping call recordings and chat transcripts beyond the legal minimum.
    public static let recordings: ConsentPurpose = "recordings"
    /// Sale or sharing of personal information (CCPA "do not sell or share").
    public static let saleOfData: ConsentPurpose = "sale_of_data"
}

/// One consent decision, with when it was given or withdrawn.
public struct ConsentRecord: Hashable, Sendable, Codable {
    /// Whether consent is currently granted.
    public var granted: Bool
    /// When the person last changed it.
    public var decidedAt: Date

    /// Records a decision.
    public init(granted: Bool, decidedAt: Date) {
        self.granted = granted
        self.decidedAt = decidedAt
    }
}

/// One order as the shop's order system reported it, kept so an agent can answer
/// "where is my order" without leaving the desk.
public struct CustomerOrder: Hashable, Sendable, Codable {
    /// The shop's order id (`"100234"`), unique per customer.
    public var id: String
    /// When the order was placed.
    public var placedAt: Date
    /// The order total in minor units of ``currency`` (cents, öre; yen for JPY).
    public var totalMinorUnits: Int64
    /// The ISO 4217 currency code, upper case (`"SEK"`).
    public var currency: String
    /// The shop's status name (`"paid"`, `"shipped"`, `"delivered"`, `"cancelled"`).
    public var status: String
    /// When the order was delivered, if it was.
    public var deliveredAt: Date?
    /// The shop's product category (`"shoes"`), when the order has one; return policies read it.
    public var category: String?

    /// An order record.
    public init(
        id: String, placedAt: Date, totalMinorUnits: Int64, currency: String, status: String,
        deliveredAt: Date? = nil, category: String? = nil
    ) {
        self.id = id
        self.placedAt = placedAt
        self.totalMinorUnits = totalMinorUnits
        self.currency = currency
        self.status = status
        self.deliveredAt = deliveredAt
        self.category = category
    }

    /// Whether the order is still open: its status (compared case-insensitively) is none of
    /// `delivered`, `cancelled` (or `canceled`), `returned`, `refunded`.
    public var isOpen: Bool {
        !["delivered", "cancelled", "canceled", "returned", "refunded"].contains(status.lowercased())
    }
}

/// One return (RMA) of an order, as the shop's order system reported it.
public struct CustomerReturn: Hashable, Sendable, Codable {
    /// The shop's return id.
    public var id: String
    /// The id of the ``CustomerOrder`` returned.
    public var order: String
    /// When the customer asked to return it.
    public var requestedAt: Date
    /// The condition the customer declared or the warehouse found (`"unopened"`, `"damaged"`).
    public var condition: String
    /// The product category of what is returned, if the shop gave one.
    public var category: String?
    /// The shop's status name (`"requested"`, `"received"`, `"refunded"`).
    public var status: String
    /// When the warehouse received the goods, if it has.
    public var receivedAt: Date?

    /// A return record.
    public init(
        id: String, order: String, requestedAt: Date, condition: String, category: String? = nil,
        status: String, receivedAt: Date? = nil
    ) {
        self.id = id
        self.order = order
        self.requestedAt = requestedAt
        self.condition = condition
        self.category = category
        self.status = status
        self.receivedAt = receivedAt
    }
}

/// What an agent sees of a person's purchases, returns and refunds. The shop's
/// order system owns the details; the desk keeps a summary for the first screen
/// and, when the host imported them, the orders and returns themselves.
public struct CommerceSummary: Hashable, Sendable, Codable {
    /// Orders placed in total.
    public var orderCount: Int
    /// Money spent per ISO 4217 currency, in minor units (cents, öre).
    public var spentMinorUnits: [String: Int64]
    /// When the last order was placed.
    public var lastOrderAt: Date?
    /// Returns opened in total.
    public var returnCount: Int
    /// Refunds paid in total.
    public var refundCount: Int
    /// The shop's ids of orders still open (not delivered or not yet returnable).
    public var openOrderIDs: [String]
    /// The orders themselves, when the host imported them (empty otherwise: the counts above
    /// may then describe orders the desk has no details of).
    public var orders: [CustomerOrder]
    /// The returns themselves, when the host imported them.
    public var returns: [CustomerReturn]

    /// A summary; all counts default to zero.
    public init(
        orderCount: Int = 0, spentMinorUnits: [String: Int64] = [:], lastOrderAt: Date? = nil,
        returnCount: Int = 0, refundCount: Int = 0, openOrderIDs: [String] = [],
        orders: [CustomerOrder] = [], returns: [CustomerReturn] = []
    ) {
        self.orderCount = orderCount
        self.spentMinorUnits = spentMinorUnits
        self.lastOrderAt = lastOrderAt
        self.returnCount = returnCount
        self.refundCount = refundCount
        self.openOrderIDs = openOrderIDs
        self.orders = orders
        self.returns = returns
    }

    private enum CodingKeys: String, CodingKey {
        case orderCount, spentMinorUnits, lastOrderAt, returnCount, refundCount, openOrderIDs, orders, returns
    }

    /// Decodes a summary; `orders` and `returns` may be absent (summaries stored before
    /// they existed), and then are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderCount = try container.decode(Int.self, forKey: .orderCount)
        spentMinorUnits = try container.decode([String: Int64].self, forKey: .spentMinorUnits)
        lastOrderAt = try container.decodeIfPresent(Date.self, forKey: .lastOrderAt)
        returnCount = try container.decode(Int.self, forKey: .returnCount)
        refundCount = try container.decode(Int.self, forKey: .refundCount)
        openOrderIDs = try container.decode([String].self, forKey: .openOrderIDs)
        orders = try container.decodeIfPresent([CustomerOrder].self, forKey: .orders) ?? []
        returns = try container.decodeIfPresent([CustomerReturn].self, forKey: .returns) ?? []
    }

    /// Encodes the summary; empty `orders` and `returns` are left out, so a summary without
    /// them encodes exactly as it did before they existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderCount, forKey: .orderCount)
        try container.encode(spentMinorUnits, forKey: .spentMinorUnits)
        try container.encodeIfPresent(lastOrderAt, forKey: .lastOrderAt)
        try container.encode(returnCount, forKey: .returnCount)
        try container.encode(refundCount, forKey: .refundCount)
        try container.encode(openOrderIDs, forKey: .openOrderIDs)
        if !orders.isEmpty { try container.encode(orders, forKey: .orders) }
        if !returns.isEmpty { try container.encode(returns, forKey: .returns) }
    }
}

/// How formally to address a person: languages with a T–V distinction (German *Sie*/*du*,
/// French *vous*/*tu*) phrase replies differently.
public enum AddressRegister: String, Hashable, Sendable, Codable {
    /// The polite form (*Sie*, *vous*, *usted*).
    case formal
    /// The familiar form (*du*, *tu*, *tú*).
    case informal
}

/// A customer tier or B2B contract tier (`"standard"`, `"vip"`, `"enterprise-gold"`).
/// Policy maps tiers to SLA targets; the model only carries the name.
public struct CustomerTier: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    /// The tier's name.
    public let rawValue: String
    /// Names a tier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Names a tier written as a literal.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The tier of a customer nobody has classified.
    public static let standard: CustomerTier = "standard"
}

/// What an agent sees up front about a person or an organisation.
public struct PartyProfile: Hashable, Sendable, Codable {
    /// The name to greet them by.
    public var displayName: String
    /// Every known way to reach them, normalised.
    public var contactPoints: [ContactPoint]
    /// Preferred language as a BCP 47 tag (`"sv-SE"`), if known.
    public var preferredLanguage: String?
    /// IANA time zone identifier (`"Europe/Stockholm"`), if known.
    public var timeZoneIdentifier: String?
    /// The channel they prefer to be answered on.
    public var preferredChannel: ChannelKind?
    /// Segment or contract tier.
    public var tier: CustomerTier
    /// Consent decisions by purpose. A purpose that is absent was never asked: treat it as not granted.
    public var consents: [ConsentPurpose: ConsentRecord]
    /// Orders, returns and refunds at a glance.
    public var commerce: CommerceSummary
    /// How formally to address them, if known (`nil`: the language's or the desk's default).
    public var register: AddressRegister?
    /// The country they live in or ship to, as an ISO 3166-1 alpha-2 code in upper case
    /// (`"SE"`), if known.
    public var country: String?

    /// A profile; everything but the name is optional.
    public init(
        displayName: String, contactPoints: [ContactPoint] = [], preferredLanguage: String? = nil,
        timeZoneIdentifier: String? = nil, preferredChannel: ChannelKind? = nil,
        tier: CustomerTier = .standard, consents: [ConsentPurpose: ConsentRecord] = [:],
        commerce: CommerceSummary = CommerceSummary(), register: AddressRegister? = nil, country: String? = nil
    ) {
        self.displayName = displayName
        self.contactPoints = contactPoints
        self.preferredLanguage = preferredLanguage
        self.timeZoneIdentifier = timeZoneIdentifier
        self.preferredChannel = preferredChannel
        self.tier = tier
        self.consents = consents
        self.commerce = commerce
        self.register = register
        self.country = country
    }

    /// The profile's time zone, or `nil` when none is set or the identifier is unknown to the system.
    public var timeZone: TimeZone? { timeZoneIdentifier.flatMap(TimeZone.init(identifier:)) }

    /// Whether consent for `purpose` is currently granted.
    public func hasConsent(_ purpose: ConsentPurpose) -> Bool { consents[purpose]?.granted ?? false }
}

/// A B2C customer: one buyer, who owns their own conversations.
public struct Customer: Hashable, Sendable, Codable, Identifiable {
    /// The customer's id.
    public var id: PartyID
    /// What the agent sees.
    public var profile: PartyProfile

    /// A customer record.
    public init(id: PartyID, profile: PartyProfile) {
        self.id = id
        self.profile = profile
    }
}

/// A role a stakeholder plays for their account. Extensible: a host may name its own.
public struct StakeholderRole: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    /// The role's name.
    public let rawValue: String
    /// Names a role.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Names a role written as a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Places orders.
    public static let buyer: StakeholderRole = "buyer"
    /// Approves purchases and exceptions.
    public static let approver: StakeholderRole = "approver"
    /// Handles invoices, credits and payment terms.
    public static let finance: StakeholderRole = "finance"
    /// Integrates and operates what was bought (IT).
    public static let technical: StakeholderRole = "technical"
    /// Owns the relationship on the customer side.
    public static let executiveSponsor: StakeholderRole = "executive_sponsor"
}

/// A person who acts for a B2B account.
public struct Stakeholder: Hashable, Sendable, Codable, Identifiable {
    /// The person's id (a party id of its own: conversations name them as participants).
    public var id: PartyID
    /// The account they act for.
    public var accountID: PartyID
    /// Their roles for that account.
    public var roles: Set<StakeholderRole>
    /// What the agent sees of them.
    public var profile: PartyProfile

    /// A stakeholder record.
    public init(id: PartyID, accountID: PartyID, roles: Set<StakeholderRole>, profile: PartyProfile) {
        self.id = id
        self.accountID = accountID
        self.roles = roles
        self.profile = profile
    }
}

/// Which stakeholders of an account may read the account's conversations.
public enum AccountSharing: Hashable, Sendable, Codable {
    /// Every stakeholder sees every conversation of the account.
    case allStakeholders
    /// Participants see their own conversations; stakeholders with one of these
    /// roles see all of the account's (e.g. the executive sponsor and finance).
    case participantsAndRoles(Set<StakeholderRole>)
    /// Only the people who took part in a conversation see it.
    case participantsOnly
}

/// A B2B customer organisation.
public struct Account: Hashable, Sendable, Codable, Identifiable {
    /// The account's id; it owns its stakeholders' conversations.
    public var id: PartyID
    /// The organisation's profile (name, invoice contact points, contract tier, language).
    public var profile: PartyProfile
    /// Who among its stakeholders sees what.
    public var sharing: AccountSharing
    /// The agents who own the relationship (routing prefers them).
    public var accountTeam: [AgentID]

    /// An account record.
    public init(id: PartyID, profile: PartyProfile, sharing: AccountSharing = .allStakeholders, accountTeam: [AgentID] = []) {
        self.id = id
        self.profile = profile
        self.sharing = sharing
        self.accountTeam = accountTeam
    }
}
