import Foundation

/// The state an item comes back in.
public enum ItemCondition: String, Hashable, Sendable, Codable, CaseIterable {
    case unopened, likeNew, used, damaged, defective
}

/// A statutory return right for a region, which applies whatever the shop's own policy says.
public struct RegionReturnRule: Hashable, Sendable, Codable {
    /// ISO 3166-1 alpha-2 country codes, or the groups `"EU"` (27 member states) and `"EEA"` (EU + IS, LI, NO).
    public var regions: [String]
    /// Days from delivery within which the consumer may withdraw.
    public var withdrawalDays: Int
    /// Categories the law exempts (e.g. sealed hygiene goods, perishables, made-to-measure: art. 16).
    public var exemptCategories: [String]
    /// The legal source, shown in explanations (e.g. "Directive 2011/83/EU art. 9").
    public var source: String

    /// A region rule.
    public init(regions: [String], withdrawalDays: Int, exemptCategories: [String] = [], source: String) {
        self.regions = regions
        self.withdrawalDays = withdrawalDays
        self.exemptCategories = exemptCategories
        self.source = source
    }

    /// The EU consumer right of withdrawal: 14 days from the day the consumer acquires physical
    /// possession of the goods (Directive 2011/83/EU art. 9(1) and 9(2)(b)), with the art. 16
    /// exceptions a shop most often meets.
    public static let euWithdrawal = RegionReturnRule(
        regions: ["EEA"], withdrawalDays: 14,
        exemptCategories: ["made-to-measure", "perishable", "sealed-hygiene", "sealed-media"],
        source: "Directive 2011/83/EU art. 9 (exceptions: art. 16)")

    /// EU member states (https://european-union.europa.eu/principles-countries-history/eu-countries_en).
    static let euMembers: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
        "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ]

    /// Whether the rule covers `country` (ISO 3166-1 alpha-2).
    public func covers(country: String) -> Bool {
        let c = country.uppercased()
        for region in regions {
            switch region.uppercased() {
            case "EU": if Self.euMembers.contains(c) { return true }
            case "EEA": if Self.euMembers.contains(c) || ["IS", "LI", "NO"].contains(c) { return true }
            case c: return true
            default: continue
            }
        }
        return false
    }
}

/// The returns section of a policy.
public struct ReturnPolicy: Hashable, Sendable, Codable {
    /// The shop's own return window in days since delivery (e.g. 30).
    public var windowDays: Int
    /// Conditions the shop accepts under its own policy.
    public var acceptedConditions: [ItemCondition]
    /// Categories sold as final sale (no returns under the shop's policy).
    public var finalSaleCategories: [String]
    /// Statutory rights by region.
    public var regionRules: [RegionReturnRule]
    /// How soon after the return is received the refund is promised (e.g. `"24h"`).
    public var refundPromise: PolicyDuration
    /// Whether the refund promise counts business hours of the default calendar.
    public var refundPromiseInBusinessHours: Bool
    /// IANA time zone in which "days since delivery" are counted as calendar dates.
    public var timeZone: String

    /// A returns policy.
    public init(
        windowDays: Int = 30, acceptedConditions: [ItemCondition] = [.unopened, .likeNew],
        finalSaleCategories: [String] = [], regionRules: [RegionReturnRule] = [.euWithdrawal],
        refundPromise: PolicyDuration = "24h", refundPromiseInBusinessHours: Bool = false, timeZone: String = "UTC"
    ) {
        self.windowDays = windowDays
        self.acceptedConditions = acceptedConditions
        self.finalSaleCategories = finalSaleCategories
        self.regionRules = regionRules
        self.refundPromise = refundPromise
        self.refundPromiseInBusinessHours = refundPromiseInBusinessHours
        self.timeZone = timeZone
    }

    /// Every problem, with paths under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        if windowDays < 0 { issues.append(PolicyIssue(path: "\(path).windowDays", message: "must not be negative")) }
        issues += refundPromise.validatePositive(path: "\(path).refundPromise")
        if TimeZone(identifier: timeZone) == nil {
            issues.append(PolicyIssue(path: "\(path).timeZone", message: "unknown IANA time zone \"\(timeZone)\""))
        }
        for (i, rule) in regionRules.enumerated() {
            let p = "\(path).regionRules[\(i)]"
            if rule.withdrawalDays <= 0 { issues.append(PolicyIssue(path: "\(p).withdrawalDays", message: "must be positive")) }
            if rule.regions.isEmpty { issues.append(PolicyIssue(path: "\(p).regions", message: "must list at least one region")) }
            for (j, region) in rule.regions.enumerated() {
                let r = region.uppercased()
                let isCode = r.utf8.count == 2 && r.utf8.allSatisfy { (65...90).contains($0) }
                if !isCode, r != "EU", r != "EEA" {
                    issues.append(PolicyIssue(path: "\(p).regions[\(j)]", message: "\"\(region)\" is not an ISO 3166-1 alpha-2 code, EU or EEA"))
                }
            }
            if rule.source.isEmpty { issues.append(PolicyIssue(path: "\(p).source", message: "must name the legal source")) }
        }
        return issues
    }
}

/// A customer's request to return an item.
public struct ReturnRequest: Hashable, Sendable, Codable {
    /// Product category (matched against final-sale and exempt categories).
    public var category: String
    /// Condition reported or inspected.
    public var condition: ItemCondition
    /// Where the consumer lives (ISO 3166-1 alpha-2).
    public var country: String
    /// When the item was delivered.
    public var deliveredAt: Date
    /// When the customer asked to return it.
    public var requestedAt: Date

    /// A return request.
    public init(category: String, condition: ItemCondition, country: String, deliveredAt: Date, requestedAt: Date) {
        self.category = category
        self.condition = condition
        self.country = country
        self.deliveredAt = deliveredAt
        self.requestedAt = requestedAt
    }
}

/// On what ground a return is accepted.
public enum ReturnBasis: String, Hashable, Sendable, Codable {
    /// The shop's own policy.
    case shopPolicy
    /// A statutory withdrawal right.
    case statutoryWithdrawal
}

/// The outcome of a return request, with one explanation per rule checked.
public struct ReturnDecision: Hashable, Sendable, Codable {
    /// Whether the item may be returned.
    public var eligible: Bool
    /// The grounds that accept it (empty when not eligible).
    public var bases: [ReturnBasis]
    /// Whole calendar days from delivery to request, in the policy's time zone.
    public var daysSinceDelivery: Int
    /// Human-readable findings, e.g. "eligible: 12 days since delivery ≤ 30".
    public var explanations: [String]
}

/// A refund promise ("refund within 24 h of receiving the return") tracked as a clock.
public struct RefundPromiseState: Hashable, Sendable, Codable {
    /// Clock status.
    public enum Status: String, Hashable, Sendable, Codable { case pending, met, breached }
    /// When the return was received.
    public var receivedAt: Date
    /// When the refund is due.
    public var dueAt: Date?
    /// Status at the evaluation instant.
    public var status: Status
}

/// A validated ``ReturnPolicy`` ready to decide.
public struct ReturnRules: Sendable {
    /// The policy.
    public let policy: ReturnPolicy
    private let zone: TimeZone
    private let promiseHours: any BusinessHours

    /// Compiles `policy`; `businessHours` counts the refund promise when the policy asks for business hours.
    ///
    /// - Throws: ``PolicyValidationError`` with every issue of the returns section.
    public init(policy: ReturnPolicy, businessHours: any BusinessHours = AlwaysOpen()) throws(PolicyValidationError) {
        let issues = policy.validate(path: "returns")
        guard issues.isEmpty, let zone = TimeZone(identifier: policy.timeZone) else { throw PolicyValidationError(issues: issues) }
        self.policy = policy
        self.zone = zone
        self.promiseHours = policy.refundPromiseInBusinessHours ? businessHours : AlwaysOpen()
    }

    /// Decides `request`: eligible under the shop policy or under a statutory right that covers the country.
    public func decide(_ request: ReturnRequest) -> ReturnDecision {
        let days = localDay(request.requestedAt) - localDay(request.deliveredAt)
        var explanations: [String] = []
        var bases: [ReturnBasis] = []

        var shopOK = true
        if days <= policy.windowDays {
            explanations.append("within shop window: \(days) days since delivery ≤ \(policy.windowDays)")
        } else {
            shopOK = false
            explanations.append("outside shop window: \(days) days since delivery > \(policy.windowDays)")
        }
        if policy.finalSaleCategories.contains(request.category) {
            shopOK = false
            explanations.append("final sale: category \"\(request.category)\" is not returnable under the shop policy")
        }
        if policy.acceptedConditions.contains(request.condition) {
            explanations.append("condition \(request.condition.rawValue) is accepted")
        } else {
            shopOK = false
            explanations.append("condition \(request.condition.rawValue) is not accepted under the shop policy")
        }
        if shopOK { bases.append(.shopPolicy) }

        for rule in policy.regionRules where rule.covers(country: request.country) {
            if rule.exemptCategories.contains(request.category) {
                explanations.append("\(rule.source): category \"\(request.category)\" is exempt from withdrawal")
            } else if days <= rule.withdrawalDays {
                bases.append(.statutoryWithdrawal)
                explanations.append("\(rule.source): withdrawal right, \(days) days since delivery ≤ \(rule.withdrawalDays) in \(request.country.uppercased()); condition does not bar it (the consumer may owe for diminished value, art. 14(2))")
            } else {
                explanations.append("\(rule.source): withdrawal period over, \(days) days since delivery > \(rule.withdrawalDays)")
            }
        }
        let eligible = !bases.isEmpty
        explanations.insert(eligible ? "eligible" : "not eligible", at: 0)
        return ReturnDecision(eligible: eligible, bases: bases, daysSinceDelivery: days, explanations: explanations)
    }

    /// The refund promise clock for a return received at `receivedAt`, as of `now`.
    public func refundPromise(receivedAt: Date, refundedAt: Date?, now: Date) -> RefundPromiseState {
        let due = promiseHours.date(byAddingBusinessTime: policy.refundPromise.timeInterval, to: receivedAt)
        let status: RefundPromiseState.Status
        if let refundedAt, refundedAt <= now {
            status = due.map { refundedAt <= $0 } ?? true ? .met : .breached
        } else if let due, now > due {
            status = .breached
        } else {
            status = .pending
        }
        return RefundPromiseState(receivedAt: receivedAt, dueAt: due, status: status)
    }

    private func localDay(_ date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
        return Int((local / 86_400).rounded(.down))
    }
}

extension ReturnPolicy {
    private enum CodingKeys: String, CodingKey {
        case windowDays, acceptedConditions, finalSaleCategories, regionRules, refundPromise,
             refundPromiseInBusinessHours, timeZone
    }

    /// Decodes; every field has the default of ``init(windowDays:acceptedConditions:finalSaleCategories:regionRules:refundPromise:refundPromiseInBusinessHours:timeZone:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ReturnPolicy()
        self.init(
            windowDays: try c.decodeIfPresent(Int.self, forKey: .windowDays) ?? d.windowDays,
            acceptedConditions: try c.decodeIfPresent([ItemCondition].self, forKey: .acceptedConditions) ?? d.acceptedConditions,
            finalSaleCategories: try c.decodeIfPresent([String].self, forKey: .finalSaleCategories) ?? [],
            regionRules: try c.decodeIfPresent([RegionReturnRule].self, forKey: .regionRules) ?? d.regionRules,
            refundPromise: try c.decodeIfPresent(PolicyDuration.self, forKey: .refundPromise) ?? d.refundPromise,
            refundPromiseInBusinessHours: try c.decodeIfPresent(Bool.self, forKey: .refundPromiseInBusinessHours) ?? false,
            timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone) ?? d.timeZone)
    }
}

extension RegionReturnRule {
    private enum CodingKeys: String, CodingKey { case regions, withdrawalDays, exemptCategories, source }

    /// Decodes; `exemptCategories` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(regions: try c.decode([String].self, forKey: .regions),
                  withdrawalDays: try c.decode(Int.self, forKey: .withdrawalDays),
                  exemptCategories: try c.decodeIfPresent([String].self, forKey: .exemptCategories) ?? [],
                  source: try c.decode(String.self, forKey: .source))
    }
}
