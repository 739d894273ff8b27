import CustomerModel
import Foundation

/// An agent's skills, as routing sees them.
public struct AgentSkills: Hashable, Sendable, Codable {
    /// The agent.
    public var id: AgentID
    /// BCP 47 language tags the agent writes well (`"sv"`, `"de-CH"`).
    public var languages: [String]
    /// Channels the agent works.
    public var channels: [ChannelKind]
    /// Tiers the agent is trained for (VIP desk, enterprise contracts).
    public var tiers: [CustomerTier]
    /// Most threads the agent carries at once.
    public var maxOpenThreads: Int

    /// An agent's skills.
    public init(id: AgentID, languages: [String], channels: [ChannelKind], tiers: [CustomerTier] = [], maxOpenThreads: Int = 10) {
        self.id = id
        self.languages = languages
        self.channels = channels
        self.tiers = tiers
        self.maxOpenThreads = maxOpenThreads
    }
}

/// An agent at the moment of routing: skills plus presence and load.
public struct AgentState: Hashable, Sendable {
    /// Skills.
    public var skills: AgentSkills
    /// Whether the agent is online and taking work.
    public var available: Bool
    /// Threads the agent carries now.
    public var openThreads: Int

    /// A routing candidate.
    public init(skills: AgentSkills, available: Bool = true, openThreads: Int = 0) {
        self.skills = skills
        self.available = available
        self.openThreads = openThreads
    }
}

/// Weights of the routing score (integers so that scores and ties are exact and deterministic).
public struct RoutingPolicy: Hashable, Sendable, Codable {
    /// Points for writing the thread's language exactly (half for the same primary language).
    public var languageWeight: Int
    /// Points for owning the B2B account (``Account/accountTeam``).
    public var accountTeamWeight: Int
    /// Points for being trained for the customer's tier (when the tier is not `standard`).
    public var tierWeight: Int
    /// Points for an idle agent, scaled down linearly with load.
    public var loadWeight: Int
    /// Whether an agent without the thread's language is excluded (instead of scoring 0 for it).
    public var requireLanguage: Bool

    /// Routing weights; account ownership weighs most by default, then language.
    public init(languageWeight: Int = 40, accountTeamWeight: Int = 50, tierWeight: Int = 20, loadWeight: Int = 10, requireLanguage: Bool = false) {
        self.languageWeight = languageWeight
        self.accountTeamWeight = accountTeamWeight
        self.tierWeight = tierWeight
        self.loadWeight = loadWeight
        self.requireLanguage = requireLanguage
    }

    /// Every problem, with paths under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        for (name, value) in [("languageWeight", languageWeight), ("accountTeamWeight", accountTeamWeight),
                              ("tierWeight", tierWeight), ("loadWeight", loadWeight)] where value < 0 {
            issues.append(PolicyIssue(path: "\(path).\(name)", message: "must not be negative"))
        }
        return issues
    }
}

/// The thread to route.
public struct RoutingRequest: Hashable, Sendable {
    /// Detected or stated language (BCP 47), if known.
    public var language: String?
    /// Channel.
    public var channel: ChannelKind
    /// Tier.
    public var tier: CustomerTier
    /// The B2B account team, if the thread belongs to an account.
    public var accountTeam: [AgentID]

    /// A request.
    public init(language: String?, channel: ChannelKind, tier: CustomerTier = .standard, accountTeam: [AgentID] = []) {
        self.language = language
        self.channel = channel
        self.tier = tier
        self.accountTeam = accountTeam
    }
}

/// One line of "why this agent".
public struct RoutingReason: Hashable, Sendable, CustomStringConvertible {
    /// The factor (`language`, `accountTeam`, `tier`, `load`).
    public var factor: String
    /// Points it added.
    public var points: Int
    /// Explanation.
    public var detail: String
    /// `"+40 language: writes sv"`.
    public var description: String { "+\(points) \(factor): \(detail)" }
}

/// A scored agent.
public struct RoutingCandidate: Hashable, Sendable {
    /// The agent.
    public var agent: AgentID
    /// Total score.
    public var score: Int
    /// Open threads (first tie-breaker: fewer wins; then the agent id).
    public var openThreads: Int
    /// The score's parts.
    public var reasons: [RoutingReason]
}

/// The routing outcome: the chosen agent, everyone ranked with reasons, and who was excluded why.
public struct RoutingDecision: Hashable, Sendable {
    /// The best candidate, or `nil` when nobody qualifies.
    public var chosen: AgentID? { ranking.first?.agent }
    /// Candidates, best first.
    public var ranking: [RoutingCandidate]
    /// Agents excluded, with the reason.
    public var excluded: [(agent: AgentID, reason: String)]

    /// "why this agent", one line per reason.
    public var explanation: [String] {
        guard let best = ranking.first else { return ["no agent available: " + excluded.map { "\($0.agent) \($0.reason)" }.joined(separator: "; ")] }
        return ["\(best.agent) scored \(best.score)"] + best.reasons.map(\.description)
    }

    /// Equal when rankings and exclusions are equal.
    public static func == (lhs: RoutingDecision, rhs: RoutingDecision) -> Bool {
        lhs.ranking == rhs.ranking && lhs.excluded.map(\.agent) == rhs.excluded.map(\.agent)
            && lhs.excluded.map(\.reason) == rhs.excluded.map(\.reason)
    }

    /// Hashes the ranking.
    public func hash(into hasher: inout Hasher) { hasher.combine(ranking) }
}

/// Scores agents for a thread. Deterministic: the same inputs in any order give the same decision.
public struct Router: Sendable {
    /// Weights.
    public let policy: RoutingPolicy

    /// A router.
    public init(policy: RoutingPolicy) { self.policy = policy }

    /// Ranks `agents` for `request`.
    public func route(_ request: RoutingRequest, agents: [AgentState]) -> RoutingDecision {
        var ranking: [RoutingCandidate] = []
        var excluded: [(agent: AgentID, reason: String)] = []
        let language = request.language.map(Self.normalise)
        for agent in agents {
            let skills = agent.skills
            if !agent.available { excluded.append((skills.id, "unavailable")); continue }
            if agent.openThreads >= skills.maxOpenThreads {
                excluded.append((skills.id, "at capacity (\(agent.openThreads)/\(skills.maxOpenThreads))")); continue
            }
            if !skills.channels.contains(request.channel) {
                excluded.append((skills.id, "does not work \(request.channel.rawValue)")); continue
            }
            var reasons: [RoutingReason] = []
            if let language {
                let tags = skills.languages.map(Self.normalise)
                let primary = Self.primary(language)
                if tags.contains(language) {
                    reasons.append(RoutingReason(factor: "language", points: policy.languageWeight, detail: "writes \(language)"))
                } else if tags.contains(where: { Self.primary($0) == primary }) {
                    reasons.append(RoutingReason(factor: "language", points: policy.languageWeight / 2, detail: "writes \(primary) (not exactly \(language))"))
                } else if policy.requireLanguage {
                    excluded.append((skills.id, "does not write \(language)")); continue
                }
            }
            if request.accountTeam.contains(skills.id) {
                reasons.append(RoutingReason(factor: "accountTeam", points: policy.accountTeamWeight, detail: "in the account team"))
            }
            if request.tier != .standard, skills.tiers.contains(request.tier) {
                reasons.append(RoutingReason(factor: "tier", points: policy.tierWeight, detail: "trained for \(request.tier.rawValue)"))
            }
            let free = skills.maxOpenThreads - agent.openThreads
            let loadPoints = skills.maxOpenThreads > 0 ? policy.loadWeight * free / skills.maxOpenThreads : 0
            reasons.append(RoutingReason(factor: "load", points: loadPoints, detail: "\(agent.openThreads)/\(skills.maxOpenThreads) threads open"))
            ranking.append(RoutingCandidate(agent: skills.id, score: reasons.reduce(0) { $0 + $1.points },
                                            openThreads: agent.openThreads, reasons: reasons))
        }
        ranking.sort { ($1.score, $0.openThreads, $0.agent.rawValue) < ($0.score, $1.openThreads, $1.agent.rawValue) }
        excluded.sort { $0.agent < $1.agent }
        return RoutingDecision(ranking: ranking, excluded: excluded)
    }

    static func normalise(_ tag: String) -> String { tag.replacingOccurrences(of: "_", with: "-").lowercased() }
    static func primary(_ tag: String) -> String { String(tag.prefix { $0 != "-" }) }
}

extension RoutingPolicy {
    private enum CodingKeys: String, CodingKey { case languageWeight, accountTeamWeight, tierWeight, loadWeight, requireLanguage }

    /// Decodes; every field defaults as in ``init(languageWeight:accountTeamWeight:tierWeight:loadWeight:requireLanguage:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RoutingPolicy()
        self.init(
            languageWeight: try c.decodeIfPresent(Int.self, forKey: .languageWeight) ?? d.languageWeight,
            accountTeamWeight: try c.decodeIfPresent(Int.self, forKey: .accountTeamWeight) ?? d.accountTeamWeight,
            tierWeight: try c.decodeIfPresent(Int.self, forKey: .tierWeight) ?? d.tierWeight,
            loadWeight: try c.decodeIfPresent(Int.self, forKey: .loadWeight) ?? d.loadWeight,
            requireLanguage: try c.decodeIfPresent(Bool.self, forKey: .requireLanguage) ?? false)
    }
}

extension RoutingRequest {
    /// A request for a B2B account's thread: the account's team and contract tier.
    public init(language: String?, channel: ChannelKind, account: Account) {
        self.init(language: language ?? account.profile.preferredLanguage, channel: channel,
                  tier: account.profile.tier, accountTeam: account.accountTeam)
    }

    /// A request for a B2C customer's thread: their tier and preferred language when none was detected.
    public init(language: String?, channel: ChannelKind, customer: Customer) {
        self.init(language: language ?? customer.profile.preferredLanguage, channel: channel, tier: customer.profile.tier)
    }
}
