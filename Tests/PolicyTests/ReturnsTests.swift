import Foundation
import Testing
@testable import Policy

@Suite struct ReturnsTests {
    let rules: ReturnRules
    init() throws {
        rules = try ReturnRules(policy: ReturnPolicy(
            windowDays: 30, acceptedConditions: [.unopened, .likeNew], finalSaleCategories: ["clearance"],
            regionRules: [.euWithdrawal], refundPromise: "24h", timeZone: "Europe/Stockholm"))
    }

    let delivered = utc("2026-05-04T10:00:00Z")

    func request(days: Double, category: String = "shoes", condition: ItemCondition = .unopened, country: String = "US") -> ReturnRequest {
        ReturnRequest(category: category, condition: condition, country: country, deliveredAt: delivered,
                      requestedAt: delivered.addingTimeInterval(days * 86_400))
    }

    @Test(arguments: [
        (12.0, true, "within shop window: 12 days since delivery ≤ 30"),
        (30.0, true, "within shop window: 30 days since delivery ≤ 30"),
        (31.0, false, "outside shop window: 31 days since delivery > 30"),
    ])
    func shopWindow(days: Double, eligible: Bool, line: String) {
        let decision = rules.decide(request(days: days))
        #expect(decision.eligible == eligible)
        #expect(decision.explanations.contains(line))
    }

    @Test func daysAreLocalCalendarDays() {
        // Delivered 23:30 Stockholm time on the 4th, asked 00:30 on the 5th: one day, not zero.
        let late = utc("2026-05-04T21:30:00Z")
        let decision = rules.decide(ReturnRequest(category: "shoes", condition: .unopened, country: "SE",
                                                  deliveredAt: late, requestedAt: late.addingTimeInterval(3600)))
        #expect(decision.daysSinceDelivery == 1)
    }

    @Test func finalSaleAndConditionBarTheShopPolicy() {
        let clearance = rules.decide(request(days: 3, category: "clearance"))
        #expect(!clearance.eligible)
        #expect(clearance.explanations.contains { $0.hasPrefix("final sale") })
        #expect(!rules.decide(request(days: 3, condition: .used)).eligible)
    }

    @Test func euWithdrawalRightOverridesFinalSaleAndConditionFor14Days() {
        let inGermany = rules.decide(request(days: 14, category: "clearance", condition: .used, country: "DE"))
        #expect(inGermany.eligible)
        #expect(inGermany.bases == [.statutoryWithdrawal])
        #expect(inGermany.explanations.contains { $0.contains("Directive 2011/83/EU art. 9") })
        #expect(!rules.decide(request(days: 15, category: "clearance", country: "DE")).eligible)
        // Norway is in the EEA; the US is not covered.
        #expect(rules.decide(request(days: 10, category: "clearance", country: "NO")).eligible)
        #expect(!rules.decide(request(days: 10, category: "clearance", country: "US")).eligible)
        // Art. 16 exemptions.
        #expect(!rules.decide(request(days: 2, category: "sealed-hygiene", condition: .used, country: "FR")).eligible)
    }

    @Test func refundPromiseIsAClock() {
        let received = utc("2026-05-10T08:00:00Z")
        #expect(rules.refundPromise(receivedAt: received, refundedAt: nil, now: received.addingTimeInterval(3600)).status == .pending)
        #expect(rules.refundPromise(receivedAt: received, refundedAt: nil, now: received.addingTimeInterval(25 * 3600)).status == .breached)
        #expect(rules.refundPromise(receivedAt: received, refundedAt: received.addingTimeInterval(20 * 3600),
                                    now: received.addingTimeInterval(30 * 3600)).status == .met)
        #expect(rules.refundPromise(receivedAt: received, refundedAt: nil, now: received).dueAt == received.addingTimeInterval(86_400))
    }
}

@Suite struct EmpowermentTests {
    static let policy = EmpowermentPolicy(roles: [
        EmpowermentRole(name: "agent", limits: [
            CompensationLimit(kind: .refund, maxAmount: ["EUR": 5000], periodDays: 30, maxTotalPerPeriod: ["EUR": 8000]),
            CompensationLimit(kind: .discount, maxPercentOfOrder: 15),
        ]),
        EmpowermentRole(name: "lead", limits: [CompensationLimit(kind: .refund, maxAmount: ["EUR": 50000])], mayApprove: true),
    ])
    let t0 = utc("2026-06-01T10:00:00Z")

    func refund(_ id: String, _ cents: Int64, at offset: TimeInterval = 0, agent: String = "a-1") -> CompensationRequest {
        CompensationRequest(id: id, agent: .init(agent), role: "agent", kind: .refund,
                            amount: Money(minorUnits: cents, currency: "EUR"), reason: "late delivery", at: t0.addingTimeInterval(offset))
    }

    @Test func withinLimitIsGrantedAboveNeedsApproval() throws {
        var desk = ApprovalDesk(policy: Self.policy)
        guard case .granted(_, let check) = try desk.submit(refund("r1", 4000)) else { Issue.record("not granted"); return }
        #expect(check.explanations.contains("amount 4000 ≤ limit 5000 EUR (minor units)"))
        guard case .approvalRequested = try desk.submit(refund("r2", 6000)) else { Issue.record("not sent for approval"); return }
        #expect(desk.approvals["r2"]?.status == .pending)
    }

    @Test func periodTotalsCount() throws {
        var desk = ApprovalDesk(policy: Self.policy)
        try desk.submit(refund("r1", 5000))
        // 5000 + 4000 > 8000 within 30 days: approval needed.
        guard case .approvalRequested = try desk.submit(refund("r2", 4000, at: 86_400)) else { Issue.record("limit missed"); return }
        // 31 days later the first refund is outside the period.
        guard case .granted = try desk.submit(refund("r3", 4000, at: 31 * 86_400)) else { Issue.record("period ignored"); return }
        // Another agent's total is separate.
        guard case .granted = try desk.submit(refund("r4", 4000, at: 86_400, agent: "a-2")) else { Issue.record("agents mixed"); return }
    }

    @Test func percentageAndCurrency() throws {
        let desk = ApprovalDesk(policy: Self.policy)
        func discount(_ cents: Int64, of total: Int64, _ currency: String = "EUR") throws -> Bool {
            try desk.check(CompensationRequest(id: "d", agent: "a-1", role: "agent", kind: .discount,
                                               amount: Money(minorUnits: cents, currency: currency),
                                               orderTotal: Money(minorUnits: total, currency: currency), reason: "", at: t0)).withinLimits
        }
        #expect(try discount(1500, of: 10000))
        #expect(try !discount(1501, of: 10000))
        // A refund in a currency without a limit needs approval.
        #expect(try !desk.check(CompensationRequest(id: "x", agent: "a-1", role: "agent", kind: .refund,
                                                    amount: Money(minorUnits: 1, currency: "SEK"), reason: "", at: t0)).withinLimits)
        #expect(throws: EmpowermentError.invalidAmount(Money(minorUnits: -1, currency: "EUR"))) {
            try desk.check(refund("neg", -1))
        }
        #expect(throws: EmpowermentError.unknownRole("ghost")) {
            var r = refund("g", 1)
            r.role = "ghost"
            _ = try desk.check(r)
        }
    }

    @Test func approvalTrailRecordsWhoAndWhen() throws {
        var desk = ApprovalDesk(policy: Self.policy)
        try desk.submit(refund("r9", 20000))
        #expect(throws: EmpowermentError.notAnApprover(agent: "a-2", role: "agent")) {
            try desk.approve("r9", by: "a-2", role: "agent", at: t0)
        }
        #expect(throws: EmpowermentError.selfApproval("a-1")) { try desk.approve("r9", by: "a-1", role: "lead", at: t0) }
        let approvedAt = t0.addingTimeInterval(600)
        try desk.approve("r9", by: "lead-1", role: "lead", at: approvedAt, note: "loyal customer")
        let approval = try #require(desk.approvals["r9"])
        #expect(approval.status == .approved)
        #expect(approval.trail.map(\.action) == [.requested, .approved])
        #expect(approval.trail.map(\.actor) == ["a-1", "lead-1"])
        #expect(approval.trail.map(\.at) == [t0, approvedAt])
        #expect(desk.events.last == .approved(requestID: "r9", by: "lead-1", at: approvedAt))
        #expect(throws: EmpowermentError.alreadyDecided(id: "r9", status: .approved)) {
            try desk.reject("r9", by: "lead-2", role: "lead", at: approvedAt, note: "no")
        }
        #expect(throws: EmpowermentError.duplicateRequest("r9")) { try desk.submit(refund("r9", 1)) }
        try desk.submit(refund("r10", 30000))
        try desk.reject("r10", by: "lead-1", role: "lead", at: approvedAt, note: "outside policy")
        #expect(desk.approvals["r10"]?.trail.last?.note == "outside policy")
        #expect(desk.granted.map(\.id) == ["r9"])
    }
}
