import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import Storage

/// Why a message is in its thread, as threading decided it when the message arrived
/// (workflow record `placement`, keyed by message id): the agent's view shows it beside the message.
public struct MessagePlacement: Hashable, Sendable, Codable {
    /// The rule (``ThreadingRule`` raw value).
    public var rule: String
    /// What the rule matched on.
    public var evidence: String
    /// What threading noticed and did not act on.
    public var notes: [String]

    /// The workflow record kind.
    public static let kind = "placement"
}

/// The desk's configuration as the store keeps it (workflow records `config/…`), so every
/// process that opens the store runs under the same policy, agents and catalog.
public struct DeskConfiguration: Sendable {
    /// The support policy document.
    public var policy: SupportPolicyDocument?
    /// The agents.
    public var agents: [DeskAgent]?
    /// The reply catalog.
    public var catalog: MessageCatalog?
    /// B2B: the e-mail domains (lower case) of each account's people.
    public var accountDomains: [String: PartyID]?

    /// A configuration.
    public init(
        policy: SupportPolicyDocument? = nil, agents: [DeskAgent]? = nil, catalog: MessageCatalog? = nil,
        accountDomains: [String: PartyID]? = nil
    ) {
        self.policy = policy
        self.agents = agents
        self.catalog = catalog
        self.accountDomains = accountDomains
    }

    static let kind = "config"
}

extension Desk {
    static func keepPlacement(_ message: SupportMessage, assignment: ThreadAssignment, in transaction: DeskTransaction)
        throws(StorageError)
    {
        let placement = MessagePlacement(rule: assignment.rule.rawValue, evidence: assignment.evidence, notes: assignment.notes)
        transaction.putWorkflowRecord(try .encoding(
            placement, kind: MessagePlacement.kind, key: message.id.rawValue, party: message.party, thread: assignment.thread))
    }

    // MARK: Configuration

    /// Stores the parts of `configuration` that are set (the others stay as stored).
    ///
    /// - Throws: ``StorageError``.
    public func storeConfiguration(_ configuration: DeskConfiguration) async throws(StorageError) {
        try await act { transaction in
            if let policy = configuration.policy {
                transaction.putWorkflowRecord(try .encoding(policy, kind: DeskConfiguration.kind, key: "policy"))
            }
            if let agents = configuration.agents {
                transaction.putWorkflowRecord(try .encoding(agents, kind: DeskConfiguration.kind, key: "agents"))
            }
            if let catalog = configuration.catalog {
                transaction.putWorkflowRecord(try .encoding(catalog, kind: DeskConfiguration.kind, key: "catalog"))
            }
            if let domains = configuration.accountDomains {
                transaction.putWorkflowRecord(try .encoding(domains, kind: DeskConfiguration.kind, key: "account-domains"))
            }
        }
    }

    /// The configuration stored with ``storeConfiguration(_:)`` (parts never stored are nil).
    ///
    /// - Throws: ``StorageError``; ``StorageError/corrupt(_:)`` for a record that does not decode.
    public func storedConfiguration() async throws(StorageError) -> DeskConfiguration {
        try await act { transaction in
            var configuration = DeskConfiguration()
            configuration.policy = try transaction.workflowRecord(kind: DeskConfiguration.kind, key: "policy")?
                .decoded(as: SupportPolicyDocument.self)
            configuration.agents = try transaction.workflowRecord(kind: DeskConfiguration.kind, key: "agents")?
                .decoded(as: [DeskAgent].self)
            configuration.catalog = try transaction.workflowRecord(kind: DeskConfiguration.kind, key: "catalog")?
                .decoded(as: MessageCatalog.self)
            configuration.accountDomains = try transaction.workflowRecord(kind: DeskConfiguration.kind, key: "account-domains")?
                .decoded(as: [String: PartyID].self)
            return configuration
        }
    }

    /// This desk with the stored configuration applied where it has none of its own.
    ///
    /// - Throws: ``StorageError``; ``StorageError/corrupt(_:)`` for a stored policy that no longer validates.
    public func configured() async throws(StorageError) -> Self {
        var desk = self
        let stored = try await storedConfiguration()
        if desk.policy == nil, let document = stored.policy {
            do { desk.policy = try document.compiled() } catch { throw .corrupt("the stored policy: \(error)") }
        }
        if desk.agents.isEmpty, let agents = stored.agents { desk.agents = agents }
        if desk.catalog == nil, let catalog = stored.catalog { desk.catalog = catalog }
        return desk
    }

    // MARK: SLA

    /// The open tickets by SLA due time at `now`: breached and soonest due first, tickets
    /// without a target (or without a policy) last.
    public func queue(at now: Date = Date()) async throws(StorageError) -> [QueueEntry] {
        let policy = policy
        return try await act { try ServiceLevelKeeper(policy: policy, transaction: $0).queue(at: now) }
    }

    /// Logs the escalations of every open ticket that came due by `now` (a periodic job; each
    /// event also looks when it touches a ticket). Returns how many were logged.
    @discardableResult
    public func escalate(at now: Date = Date()) async throws(StorageError) -> Int {
        try await observedAct { _, keeper in try keeper.sweep(at: now) }
    }

    /// A ticket's SLA facts (nil for a ticket stored before the desk kept them).
    public func serviceLevel(of thread: ThreadID) async throws(StorageError) -> ThreadServiceLevel? {
        let policy = policy
        return try await act { transaction in
            guard let current = try transaction.currentThread(thread) else { return nil }
            return try ServiceLevelKeeper(policy: policy, transaction: transaction).load(current.id)
        }
    }

    // MARK: Routing

    /// Assigns a ticket: to `agent` when given, otherwise to the agent the ``Router`` ranks
    /// first (language, account team, tier, load and capacity over ``agents``). One event.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` when no agent can take it.
    public func assign(_ thread: ThreadID, to agent: AgentID? = nil, by actor: AgentID?, at date: Date = Date())
        async throws(StorageError) -> (assignee: AgentID, decision: RoutingDecision?)
    {
        let policy = policy
        let agents = agents
        return try await act { transaction in
            guard let current = try transaction.currentThread(thread) else { throw StorageError.notFound("thread \(thread)") }
            let keeper = ServiceLevelKeeper(policy: policy, transaction: transaction)
            var chosen = agent
            var decision: RoutingDecision?
            if chosen == nil {
                let routed = try Self.route(current, agents: agents, policy: policy, keeper: keeper, in: transaction)
                decision = routed
                guard let first = routed.chosen else {
                    let why = routed.excluded.map { "\($0.agent): \($0.reason)" }.joined(separator: "; ")
                    throw StorageError.refused("no agent can take \(current.id)" + (why.isEmpty ? " (no agents)" : ": \(why)"))
                }
                chosen = first
            }
            guard let assignee = chosen else { throw StorageError.refused("no agent") }
            let team = agents.first { $0.id == assignee }?.team
            _ = try transaction.update(
                current.id, assignee: .some(assignee), team: team.map { .some($0) }, agent: actor, at: date)
            try keeper.advance(current.id, message: nil, at: date)
            return (assignee, decision)
        }
    }

    static func route(
        _ thread: SupportThread, agents: [DeskAgent], policy: CompiledSupportPolicy?, keeper: ServiceLevelKeeper,
        in transaction: DeskTransaction
    ) throws(StorageError) -> RoutingDecision {
        let level = try keeper.load(thread.id)
        var open: [AgentID: Int] = [:]
        for record in try transaction.workflowRecords(kind: ThreadServiceLevel.kind) {
            let other = try record.decoded(as: ThreadServiceLevel.self)
            guard let row = try transaction.currentThread(other.thread), row.id == other.thread, row.status.isActive,
                let assignee = row.assignee, row.id != thread.id
            else { continue }
            open[assignee, default: 0] += 1
        }
        var accountTeam: [AgentID] = []
        var language = level?.language
        if case .account(let account)? = try transaction.party(try transaction.primaryParty(of: thread.owner)) {
            accountTeam = account.accountTeam
            language = language ?? account.profile.preferredLanguage
        } else if let party = try transaction.party(try transaction.primaryParty(of: thread.owner)) {
            language = language ?? party.profile.preferredLanguage
        }
        let request = RoutingRequest(
            language: language, channel: level?.channel ?? .email, tier: level?.tier ?? .standard, accountTeam: accountTeam)
        let router = policy?.router ?? Router(policy: RoutingPolicy())
        return router.route(
            request,
            agents: agents.map { AgentState(skills: $0.skills, available: $0.available, openThreads: open[$0.id] ?? 0) })
    }
}
