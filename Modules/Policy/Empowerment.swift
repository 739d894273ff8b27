import CustomerModel
import Foundation

/// An amount of money: integer minor units (cents, öre, yen) and an ISO 4217 currency code.
/// Never a floating-point number, so sums and limits are exact.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Amount in the currency's minor unit (e.g. 1999 = 19.99 EUR; 500 = 500 JPY).
    public var minorUnits: Int64
    /// ISO 4217 alphabetic code, upper case (`"EUR"`, `"SEK"`).
    public var currency: String

    /// An amount.
    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// `"1999 EUR (minor units)"`: formatting for people is Localization's job.
    public var description: String { "\(minorUnits) \(currency) (minor units)" }

    /// Whether `code` looks like an ISO 4217 code (three upper-case ASCII letters).
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { (65...90).contains($0) }
    }

    /// How many decimal digits the currency's minor unit has, per the "Minor unit" column of
    /// ISO 4217's list one (current currency and funds codes): 0 for BIF CLP DJF GNF ISK JPY
    /// KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF; 3 for BHD IQD JOD KWD LYD OMR TND; 4 for
    /// CLF UYW; 2 for every other code, including ones ISO 4217 lists without a minor unit
    /// (XAU, XDR, XXX…) and codes it does not list at all. `currency` is the upper-case code.
    public static func minorUnitDigits(of currency: String) -> Int { ISO4217.minorUnitDigits(of: currency) }

    /// An amount written in major units with a dot: `"39.90"`, `"39.9"`, `"1200"`, `"-0.5"`.
    ///
    /// Accepts an optional leading `-`, ASCII digits, and at most one `.` followed by at least
    /// one and at most ``minorUnitDigits(of:)`` digits — no `+`, spaces, exponent, thousands
    /// separators or decimal comma. The arithmetic is exact (no floating point).
    ///
    /// - Throws: ``MoneyParseError`` for an invalid (or lower-case) currency code, text that is not
    ///   such a number, more fraction digits than the currency has (`"39.905"` SEK, `"10.5"` JPY),
    ///   or an amount whose minor units do not fit `Int64`.
    public init(decimal text: String, currency: String) throws(MoneyParseError) {
        guard Money.isCurrencyCode(currency) else { throw .invalidCurrencyCode(currency) }
        guard !text.isEmpty else { throw .empty }
        let allowed = Money.minorUnitDigits(of: currency)
        let negative = text.first == "-"
        // Accumulate on the amount's own side of zero, so Int64.min minor units parse too.
        var value: Int64 = 0
        var integerDigits = 0
        var fractionDigits: Int?
        for (offset, character) in text.enumerated() where !(offset == 0 && negative) {
            if character == ".", fractionDigits == nil {
                guard integerDigits > 0 else { throw .missingDigits(offset: offset, text: text) }
                fractionDigits = 0
                continue
            }
            guard let ascii = character.asciiValue, (48...57).contains(ascii) else {
                throw .unexpectedCharacter(character, offset: offset, text: text)
            }
            if let count = fractionDigits {
                guard count < allowed else { throw .tooManyFractionDigits(text: text, currency: currency, allowed: allowed) }
                fractionDigits = count + 1
            } else {
                integerDigits += 1
            }
            let digit = Int64(ascii - 48)
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw .outOfRange(text: text, currency: currency) }
            value = next
        }
        guard integerDigits > 0, fractionDigits != 0 else { throw .missingDigits(offset: text.count, text: text) }
        for _ in (fractionDigits ?? 0)..<allowed {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { throw .outOfRange(text: text, currency: currency) }
            value = next
        }
        self.init(minorUnits: value, currency: currency)
    }

    /// The amount in major units with a dot and exactly ``minorUnitDigits(of:)`` fraction digits:
    /// `"39.90"` for 3990 SEK, `"1200"` for 1200 JPY, `"-0.05"` for -5 EUR. ``init(decimal:currency:)``
    /// reads it back to the same value. Not for people: formatting for a locale is Localization's job.
    public var decimalString: String {
        let digits = Money.minorUnitDigits(of: currency)
        var text = String(minorUnits.magnitude)
        if digits > 0 {
            if text.count <= digits { text = String(repeating: "0", count: digits + 1 - text.count) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        }
        return minorUnits < 0 ? "-" + text : text
    }
}

/// Why ``Money/init(decimal:currency:)`` rejected its input. Offsets count Characters from the text's start.
public enum MoneyParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The amount text is empty.
    case empty
    /// The currency is not three upper-case ASCII letters (`"sek"`, `"EURO"`).
    case invalidCurrencyCode(String)
    /// A character other than a digit, a leading `-` or one `.` (spaces, `+`, `,`, `e`, a second `.`).
    case unexpectedCharacter(Character, offset: Int, text: String)
    /// Digits are missing at `offset`: `"-"`, `".5"`, `"5."`.
    case missingDigits(offset: Int, text: String)
    /// More digits after the dot than the currency's minor unit has (`"39.905"` SEK, `"10.5"` JPY).
    case tooManyFractionDigits(text: String, currency: String, allowed: Int)
    /// The amount in minor units does not fit a 64-bit integer.
    case outOfRange(text: String, currency: String)

    public var description: String {
        switch self {
        case .empty: "the amount is empty; write it like \"39.90\""
        case .invalidCurrencyCode(let code):
            "\"\(code)\" is not an ISO 4217 currency code; use three upper-case letters such as \"SEK\""
        case .unexpectedCharacter(let c, let offset, let text):
            "unexpected \"\(c)\" at \(offset) in \"\(text)\"; write digits with an optional leading \"-\" and one \".\" (no spaces, signs, exponents or thousands separators)"
        case .missingDigits(let offset, let text): "digits missing at \(offset) in \"\(text)\"; write it like \"0.50\""
        case .tooManyFractionDigits(let text, let currency, let allowed):
            allowed == 0
                ? "\"\(text)\": \(currency) has no minor unit; write a whole number"
                : "\"\(text)\": \(currency) allows at most \(allowed) digits after the \".\""
        case .outOfRange(let text, let currency): "\"\(text)\" \(currency) is too large for 64-bit minor units"
        }
    }
}

/// What an agent gives a customer.
public enum CompensationKind: String, Hashable, Sendable, Codable, CaseIterable {
    case refund, discount, goodwillCredit
}

/// A role's limit for one kind of compensation. Every set bound must hold; an unset bound does not limit.
public struct CompensationLimit: Hashable, Sendable, Codable {
    /// The kind limited.
    public var kind: CompensationKind
    /// Largest single amount per currency, in minor units (`{"EUR": 5000}`). A currency not listed is not allowed.
    public var maxAmount: [String: Int64]?
    /// Largest share of the order total, in percent (0...100).
    public var maxPercentOfOrder: Int?
    /// Length of the rolling period for ``maxTotalPerPeriod``, in days.
    public var periodDays: Int?
    /// Largest total per agent over the rolling period, per currency, in minor units.
    public var maxTotalPerPeriod: [String: Int64]?

    /// A limit.
    public init(
        kind: CompensationKind, maxAmount: [String: Int64]? = nil, maxPercentOfOrder: Int? = nil,
        periodDays: Int? = nil, maxTotalPerPeriod: [String: Int64]? = nil
    ) {
        self.kind = kind
        self.maxAmount = maxAmount
        self.maxPercentOfOrder = maxPercentOfOrder
        self.periodDays = periodDays
        self.maxTotalPerPeriod = maxTotalPerPeriod
    }
}

/// A role's empowerment: what it may grant alone, and whether it approves others' requests.
public struct EmpowermentRole: Hashable, Sendable, Codable {
    /// Role name (`"agent"`, `"senior"`, `"team-lead"`).
    public var name: String
    /// Limits per compensation kind; a kind without a limit needs approval for any amount.
    public var limits: [CompensationLimit]
    /// Whether holders of this role may approve requests above others' limits.
    public var mayApprove: Bool

    /// A role.
    public init(name: String, limits: [CompensationLimit], mayApprove: Bool = false) {
        self.name = name
        self.limits = limits
        self.mayApprove = mayApprove
    }
}

/// The empowerment section of a policy.
public struct EmpowermentPolicy: Hashable, Sendable, Codable {
    /// Roles.
    public var roles: [EmpowermentRole]

    /// A policy.
    public init(roles: [EmpowermentRole]) { self.roles = roles }

    /// Every problem, with paths under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        var names: Set<String> = []
        for (i, role) in roles.enumerated() {
            let p = "\(path).roles[\(i)]"
            if role.name.isEmpty { issues.append(PolicyIssue(path: "\(p).name", message: "must not be empty")) }
            if !names.insert(role.name).inserted { issues.append(PolicyIssue(path: "\(p).name", message: "role \"\(role.name)\" is defined twice")) }
            for (j, limit) in role.limits.enumerated() {
                let lp = "\(p).limits[\(j)]"
                for (field, amounts) in [("maxAmount", limit.maxAmount), ("maxTotalPerPeriod", limit.maxTotalPerPeriod)] {
                    for (code, value) in (amounts ?? [:]).sorted(by: { $0.key < $1.key }) {
                        if !Money.isCurrencyCode(code) {
                            issues.append(PolicyIssue(path: "\(lp).\(field).\(code)", message: "\"\(code)\" is not an ISO 4217 code"))
                        }
                        if value < 0 { issues.append(PolicyIssue(path: "\(lp).\(field).\(code)", message: "must not be negative")) }
                    }
                }
                if let percent = limit.maxPercentOfOrder, !(0...100).contains(percent) {
                    issues.append(PolicyIssue(path: "\(lp).maxPercentOfOrder", message: "must be between 0 and 100"))
                }
                if limit.maxTotalPerPeriod != nil, (limit.periodDays ?? 0) <= 0 {
                    issues.append(PolicyIssue(path: "\(lp).periodDays", message: "must be positive when maxTotalPerPeriod is set"))
                }
            }
        }
        return issues
    }

    /// The role named `name`.
    public func role(named name: String) -> EmpowermentRole? { roles.first { $0.name == name } }
}

/// An agent's request to grant a compensation.
public struct CompensationRequest: Hashable, Sendable, Codable, Identifiable {
    /// Caller-chosen id (unique per desk).
    public var id: String
    /// Who asks.
    public var agent: AgentID
    /// Their empowerment role.
    public var role: String
    /// Refund, discount or goodwill credit.
    public var kind: CompensationKind
    /// The amount, in the order's currency.
    public var amount: Money
    /// The order's total, for percentage limits.
    public var orderTotal: Money?
    /// Why (shown to the approver).
    public var reason: String
    /// When asked.
    public var at: Date

    /// A request.
    public init(id: String, agent: AgentID, role: String, kind: CompensationKind, amount: Money, orderTotal: Money? = nil, reason: String, at: Date) {
        self.id = id
        self.agent = agent
        self.role = role
        self.kind = kind
        self.amount = amount
        self.orderTotal = orderTotal
        self.reason = reason
        self.at = at
    }
}

/// The outcome of checking a request against its role's limits.
public struct LimitCheck: Hashable, Sendable, Codable {
    /// Whether the agent may grant it alone.
    public var withinLimits: Bool
    /// One line per bound checked ("amount 4000 ≤ limit 5000 EUR").
    public var explanations: [String]
}

/// A step in an approval's audit trail.
public struct ApprovalStep: Hashable, Sendable, Codable {
    /// What happened.
    public enum Action: String, Hashable, Sendable, Codable { case requested, approved, rejected }
    /// The action.
    public var action: Action
    /// Who did it.
    public var actor: AgentID
    /// When.
    public var at: Date
    /// A note (the request's reason, or the approver's comment).
    public var note: String
}

/// A request above the agent's limits, waiting for or past a decision.
public struct ApprovalRequest: Hashable, Sendable, Codable, Identifiable {
    /// Status.
    public enum Status: String, Hashable, Sendable, Codable { case pending, approved, rejected }
    /// The request's id.
    public var id: String { request.id }
    /// What was asked.
    public var request: CompensationRequest
    /// Why it needs approval.
    public var check: LimitCheck
    /// Status.
    public var status: Status
    /// Who did what, when.
    public var trail: [ApprovalStep]
}

/// Everything the desk decided, for the event log.
public enum EmpowermentEvent: Hashable, Sendable, Codable {
    /// Granted within the agent's own limits.
    case granted(CompensationRequest, LimitCheck)
    /// Sent for approval.
    case approvalRequested(CompensationRequest, LimitCheck)
    /// Approved by `by`.
    case approved(requestID: String, by: AgentID, at: Date)
    /// Rejected by `by`.
    case rejected(requestID: String, by: AgentID, at: Date, note: String)
}

/// Why an empowerment action was refused.
public enum EmpowermentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The role is not in the policy.
    case unknownRole(String)
    /// No approval request has this id.
    case unknownRequest(String)
    /// The request was already decided.
    case alreadyDecided(id: String, status: ApprovalRequest.Status)
    /// The approver's role may not approve.
    case notAnApprover(agent: AgentID, role: String)
    /// Agents may not approve their own requests.
    case selfApproval(AgentID)
    /// A request with this id was already submitted.
    case duplicateRequest(String)
    /// The amount is negative or its currency code malformed.
    case invalidAmount(Money)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .unknownRole(let r): "role \"\(r)\" is not defined in empowerment.roles"
        case .unknownRequest(let id): "no approval request \"\(id)\""
        case .alreadyDecided(let id, let s): "request \"\(id)\" was already \(s.rawValue)"
        case .notAnApprover(let a, let r): "\(a) (role \(r)) may not approve: give the role mayApprove: true"
        case .selfApproval(let a): "\(a) may not approve their own request"
        case .duplicateRequest(let id): "request \"\(id)\" was already submitted"
        case .invalidAmount(let m): "invalid amount \(m): needs a non-negative amount and an ISO 4217 code"
        }
    }
}

/// Decides compensation requests against an ``EmpowermentPolicy`` and keeps the approval trail
/// and per-agent totals. A value type: the host stores it (or its events) and passes it on.
public struct ApprovalDesk: Hashable, Sendable, Codable {
    /// The policy.
    public let policy: EmpowermentPolicy
    /// Approval requests by id.
    public private(set) var approvals: [String: ApprovalRequest] = [:]
    /// Every decision, oldest first.
    public private(set) var events: [EmpowermentEvent] = []
    /// Granted (or approved) compensations, for period totals.
    public private(set) var granted: [CompensationRequest] = []
    private var submittedIDs: Set<String> = []

    /// A desk for `policy`.
    public init(policy: EmpowermentPolicy) { self.policy = policy }

    /// A desk for `policy` that already granted `granted` (restored from a store: the period
    /// totals of ``check(_:)`` count them).
    public init(policy: EmpowermentPolicy, granted: [CompensationRequest]) {
        self.policy = policy
        self.granted = granted
        submittedIDs = Set(granted.map(\.id))
    }

    /// Checks `request` against its role's limits without recording anything.
    public func check(_ request: CompensationRequest) throws(EmpowermentError) -> LimitCheck {
        guard request.amount.minorUnits >= 0, Money.isCurrencyCode(request.amount.currency) else {
            throw .invalidAmount(request.amount)
        }
        guard let role = policy.role(named: request.role) else { throw .unknownRole(request.role) }
        let currency = request.amount.currency
        guard let limit = role.limits.first(where: { $0.kind == request.kind }) else {
            return LimitCheck(withinLimits: false, explanations: ["role \(role.name) has no limit for \(request.kind.rawValue): approval needed"])
        }
        var ok = true
        var lines: [String] = []
        if let amounts = limit.maxAmount {
            if let max = amounts[currency] {
                let pass = request.amount.minorUnits <= max
                ok = ok && pass
                lines.append("amount \(request.amount.minorUnits) \(pass ? "≤" : ">") limit \(max) \(currency) (minor units)")
            } else {
                ok = false
                lines.append("no \(request.kind.rawValue) limit in \(currency) for role \(role.name)")
            }
        }
        if let percent = limit.maxPercentOfOrder {
            if let total = request.orderTotal, total.currency == currency, total.minorUnits > 0 {
                // amount / total ≤ percent / 100, in integers (overflow counts as over the limit).
                let (lhs, o1) = request.amount.minorUnits.multipliedReportingOverflow(by: 100)
                let (rhs, o2) = total.minorUnits.multipliedReportingOverflow(by: Int64(percent))
                let pass = !o1 && !o2 && lhs <= rhs
                ok = ok && pass
                lines.append("\(request.amount.minorUnits) of order \(total.minorUnits) \(currency) is \(pass ? "within" : "above") \(percent)%")
            } else {
                ok = false
                lines.append("percentage limit \(percent)% needs the order total in \(currency)")
            }
        }
        if let totals = limit.maxTotalPerPeriod, let days = limit.periodDays {
            let since = request.at.addingTimeInterval(-Double(days) * 86_400)
            let used = granted.reduce(Int64(0)) { sum, g in
                g.agent == request.agent && g.kind == request.kind && g.amount.currency == currency && g.at > since && g.at <= request.at
                    ? sum &+ g.amount.minorUnits : sum
            }
            if let max = totals[currency] {
                let (after, overflow) = used.addingReportingOverflow(request.amount.minorUnits)
                let pass = !overflow && after <= max
                ok = ok && pass
                lines.append("\(days)-day total \(used) + \(request.amount.minorUnits) \(pass ? "≤" : ">") \(max) \(currency) (minor units)")
            } else {
                ok = false
                lines.append("no \(days)-day total in \(currency) for role \(role.name)")
            }
        }
        if lines.isEmpty { lines.append("role \(role.name) has an unbounded \(request.kind.rawValue) limit") }
        return LimitCheck(withinLimits: ok, explanations: lines)
    }

    /// Submits a request: granted at once within limits, otherwise an approval request is opened.
    /// Returns the event recorded.
    @discardableResult
    public mutating func submit(_ request: CompensationRequest) throws(EmpowermentError) -> EmpowermentEvent {
        guard !submittedIDs.contains(request.id) else { throw .duplicateRequest(request.id) }
        let result = try check(request)
        submittedIDs.insert(request.id)
        let event: EmpowermentEvent
        if result.withinLimits {
            granted.append(request)
            event = .granted(request, result)
        } else {
            approvals[request.id] = ApprovalRequest(
                request: request, check: result, status: .pending,
                trail: [ApprovalStep(action: .requested, actor: request.agent, at: request.at, note: request.reason)])
            event = .approvalRequested(request, result)
        }
        events.append(event)
        return event
    }

    /// Approves a pending request; the approver's role must have `mayApprove` and they may not be the requester.
    public mutating func approve(_ id: String, by approver: AgentID, role: String, at: Date, note: String = "") throws(EmpowermentError) {
        var approval = try pending(id, approver: approver, role: role)
        approval.status = .approved
        approval.trail.append(ApprovalStep(action: .approved, actor: approver, at: at, note: note))
        approvals[id] = approval
        granted.append(approval.request)
        events.append(.approved(requestID: id, by: approver, at: at))
    }

    /// Rejects a pending request, with a note for the agent.
    public mutating func reject(_ id: String, by approver: AgentID, role: String, at: Date, note: String) throws(EmpowermentError) {
        var approval = try pending(id, approver: approver, role: role)
        approval.status = .rejected
        approval.trail.append(ApprovalStep(action: .rejected, actor: approver, at: at, note: note))
        approvals[id] = approval
        events.append(.rejected(requestID: id, by: approver, at: at, note: note))
    }

    private func pending(_ id: String, approver: AgentID, role: String) throws(EmpowermentError) -> ApprovalRequest {
        guard let approval = approvals[id] else { throw .unknownRequest(id) }
        guard approval.status == .pending else { throw .alreadyDecided(id: id, status: approval.status) }
        guard let approverRole = policy.role(named: role) else { throw .unknownRole(role) }
        guard approverRole.mayApprove else { throw .notAnApprover(agent: approver, role: role) }
        guard approver != approval.request.agent else { throw .selfApproval(approver) }
        return approval
    }
}

extension EmpowermentRole {
    private enum CodingKeys: String, CodingKey { case name, limits, mayApprove }

    /// Decodes; `limits` defaults to none and `mayApprove` to false.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name),
                  limits: try c.decodeIfPresent([CompensationLimit].self, forKey: .limits) ?? [],
                  mayApprove: try c.decodeIfPresent(Bool.self, forKey: .mayApprove) ?? false)
    }
}
