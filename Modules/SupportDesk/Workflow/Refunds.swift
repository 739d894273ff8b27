import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import Storage

/// A refund request and its decision (workflow record `refund`, keyed by its id).
public struct RefundRecord: Hashable, Sendable, Codable {
    /// Where it stands.
    public enum Status: String, Hashable, Sendable, Codable {
        /// Granted at once: within the requesting agent's own limits.
        case granted
        /// Waiting for an approver.
        case pending
        /// An approver granted it.
        case approved
        /// An approver refused it.
        case refused
    }

    /// The request's id (`R<ticket>-<n>`).
    public var id: String
    /// The ticket it was asked in.
    public var thread: ThreadID
    /// The customer (or account) refunded.
    public var party: PartyID
    /// The order refunded.
    public var order: String
    /// The amount.
    public var amount: Money
    /// Who asked, and in which empowerment role.
    public var agent: AgentID
    /// The role's name.
    public var role: String
    /// Why (shown to the approver).
    public var reason: String
    /// When asked.
    public var requestedAt: Date
    /// Where it stands.
    public var status: Status
    /// What the returns rules found (empty when the order has no return on record).
    public var eligibility: [String]
    /// What the empowerment rules found.
    public var limits: [String]
    /// Who decided, when, and their note (an approver's, or the agent's own grant).
    public var decidedBy: AgentID?
    /// When decided.
    public var decidedAt: Date?
    /// The approver's note.
    public var note: String?

    /// The workflow record kind.
    public static let kind = "refund"

    /// Granted or approved: money leaves the shop.
    public var isGranted: Bool { status == .granted || status == .approved }
}

extension Desk {
    /// Asks to refund `amount` on `order` of the thread's customer. The returns rules decide
    /// eligibility when the order has a return on record (or `condition` is given): the shop's
    /// window and accepted conditions, or a statutory withdrawal right of the customer's country.
    /// The empowerment rules then decide who grants it: within the agent's own limits (per
    /// amount, share of the order, and the agent's rolling-period total) it is granted at once;
    /// otherwise it waits for an approver. One transaction: the request and its events.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` (thread, order); ``StorageError/refused(_:)`` when the
    ///   desk has no empowerment policy, the agent is unknown, the amount is not the order's
    ///   currency or exceeds its total, or the returns rules find the item not eligible.
    public func requestRefund(
        in thread: ThreadID, order orderID: String, amount: Money, agent: AgentID, reason: String = "",
        condition: ItemCondition? = nil, at date: Date = Date()
    ) async throws(StorageError) -> RefundRecord {
        let policy = policy
        let agents = agents
        return try await act { transaction in
            guard let empowerment = policy?.document.empowerment else {
                throw StorageError.refused("the policy has no empowerment section: refunds cannot be decided")
            }
            guard let current = try transaction.currentThread(thread) else { throw StorageError.notFound("thread \(thread)") }
            let role = agents.first { $0.id == agent }?.role ?? (agents.isEmpty ? "agent" : nil)
            guard let role else { throw StorageError.refused("\(agent) is not in the agents file") }
            let ownerID = try transaction.primaryParty(of: current.owner)
            guard let owner = try transaction.party(ownerID) else { throw StorageError.notFound("party \(ownerID)") }
            let commerce = owner.profile.commerce
            guard let order = commerce.orders.first(where: { $0.id == orderID }) else {
                throw StorageError.notFound("order \(orderID) of \(ownerID)")
            }
            guard order.currency == amount.currency else {
                throw StorageError.refused("order \(orderID) is in \(order.currency), not \(amount.currency)")
            }
            guard amount.minorUnits > 0, amount.minorUnits <= order.totalMinorUnits else {
                throw StorageError.refused(
                    "a refund of \(amount.decimalString) \(amount.currency) on order \(orderID) must be positive and at most its total \(Money(minorUnits: order.totalMinorUnits, currency: order.currency).decimalString)")
            }
            // Returns: only where an item comes back.
            var eligibility: [String] = []
            let returned = commerce.returns.last { $0.order == orderID }
            if let rules = policy?.returns, returned != nil || condition != nil {
                let itemCondition = condition ?? returned.flatMap { ItemCondition(rawValue: $0.condition) } ?? .unopened
                let request = ReturnRequest(
                    category: returned?.category ?? order.category ?? "general", condition: itemCondition,
                    country: Self.country(of: owner.profile), deliveredAt: order.deliveredAt ?? order.placedAt,
                    requestedAt: returned?.requestedAt ?? date)
                let decision = rules.decide(request)
                eligibility = decision.explanations
                guard decision.eligible else {
                    throw StorageError.refused("order \(orderID) is not eligible for a refund: " + decision.explanations.joined(separator: "; "))
                }
            }
            // Empowerment: the agent's own limits, with what they granted before.
            let past = try transaction.workflowRecords(kind: RefundRecord.kind).map { try $0.decoded(as: RefundRecord.self) }
            let granted = past.filter(\.isGranted).map { record in
                CompensationRequest(
                    id: record.id, agent: record.agent, role: record.role, kind: .refund, amount: record.amount,
                    reason: record.reason, at: record.decidedAt ?? record.requestedAt)
            }
            let request = CompensationRequest(
                id: "R\(current.id.rawValue)-\(past.filter { $0.thread == current.id }.count + 1)", agent: agent, role: role,
                kind: .refund, amount: amount, orderTotal: Money(minorUnits: order.totalMinorUnits, currency: order.currency),
                reason: reason, at: date)
            let check: LimitCheck
            do { check = try ApprovalDesk(policy: empowerment, granted: granted).check(request) } catch {
                throw StorageError.refused("\(error)")
            }
            let record = RefundRecord(
                id: request.id, thread: current.id, party: ownerID, order: orderID, amount: amount, agent: agent, role: role,
                reason: reason, requestedAt: date, status: check.withinLimits ? .granted : .pending, eligibility: eligibility,
                limits: check.explanations, decidedBy: check.withinLimits ? agent : nil, decidedAt: check.withinLimits ? date : nil,
                note: nil)
            transaction.putWorkflowRecord(try .encoding(record, kind: RefundRecord.kind, key: record.id, party: ownerID, thread: current.id))
            var events = [
                NewSupportEvent(
                    at: date, thread: current.id, party: current.owner,
                    kind: .refundRequested(
                        request: record.id, order: orderID, minorUnits: amount.minorUnits, currency: amount.currency, agent: agent,
                        approval: check.withinLimits ? "agent" : "approver"))
            ]
            if check.withinLimits {
                events.append(NewSupportEvent(at: date, thread: current.id, party: current.owner, kind: .refundApproved(request: record.id, by: agent)))
            }
            _ = try transaction.records.appendEvents(events)
            return record
        }
    }

    /// Approves (or with `approve: false`, refuses) a refund request waiting for approval.
    /// The approver's role must be allowed to approve, and nobody approves their own request.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` for self-approval, an
    ///   approver without the right, an unknown approver, or a request already decided.
    public func decideRefund(_ id: String, approve: Bool, by approver: AgentID, note: String = "", at date: Date = Date())
        async throws(StorageError) -> RefundRecord
    {
        let policy = policy
        let agents = agents
        return try await act { transaction in
            guard var record = try transaction.workflowRecord(kind: RefundRecord.kind, key: id)?.decoded(as: RefundRecord.self) else {
                throw StorageError.notFound("refund request \(id)")
            }
            guard record.status == .pending else { throw StorageError.refused("refund request \(id) was already \(record.status.rawValue)") }
            guard approver != record.agent else { throw StorageError.refused("\(approver) may not approve their own request") }
            guard let person = agents.first(where: { $0.id == approver }) else {
                throw StorageError.refused("\(approver) is not in the agents file")
            }
            guard policy?.document.empowerment?.role(named: person.role)?.mayApprove == true else {
                throw StorageError.refused("\(approver) (role \(person.role)) may not approve refunds")
            }
            record.status = approve ? .approved : .refused
            record.decidedBy = approver
            record.decidedAt = date
            record.note = note.isEmpty ? nil : note
            transaction.putWorkflowRecord(try .encoding(record, kind: RefundRecord.kind, key: record.id, party: record.party, thread: record.thread))
            let owner = try transaction.currentThread(record.thread)?.owner ?? record.party
            _ = try transaction.records.appendEvents([
                NewSupportEvent(
                    at: date, thread: record.thread, party: owner,
                    kind: approve ? .refundApproved(request: id, by: approver) : .refundRefused(request: id, by: approver, note: note))
            ])
            return record
        }
    }

    /// The refund requests of a thread (all, when nil), by id.
    public func refunds(in thread: ThreadID? = nil) async throws(StorageError) -> [RefundRecord] {
        try await act { transaction in
            try transaction.workflowRecords(kind: RefundRecord.kind).map { try $0.decoded(as: RefundRecord.self) }
                .filter { thread == nil || $0.thread == thread }
        }
    }

    /// The customer's country: the profile's, else the region of their language tag (`sv-SE`).
    static func country(of profile: PartyProfile) -> String {
        if let country = profile.country, !country.isEmpty { return country.uppercased() }
        if let tag = profile.preferredLanguage, let region = try? LanguageTag(tag).region { return region }
        return "ZZ"
    }
}
