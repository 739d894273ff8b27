import CustomerModel
import Foundation
import Policy

/// A person who works the desk: who they are, what the Router may give them, and which
/// empowerment role (``EmpowermentRole``) decides what they may grant alone.
///
/// The agents file (docs/formats.md) is a JSON array of these:
/// `{"id", "name", "role", "team", "languages", "channels", "tiers", "maxOpenThreads", "available"}`.
public struct DeskAgent: Hashable, Sendable, Codable {
    /// The agent's id (recorded in the event log).
    public var id: AgentID
    /// The name customers see in replies.
    public var name: String
    /// The empowerment role (`agent`, `team-lead`) in the policy's `empowerment.roles`.
    public var role: String
    /// The team the agent queues for, if any.
    public var team: String?
    /// BCP 47 tags the agent writes.
    public var languages: [String]
    /// Channels the agent works (the policy's names: email, chat, phone, social, sms, webForm, chatbot).
    public var channels: [ChannelKind]
    /// Customer or contract tiers the agent is trained for.
    public var tiers: [CustomerTier]
    /// Most open threads the agent carries.
    public var maxOpenThreads: Int
    /// Whether the agent takes work now.
    public var available: Bool

    /// An agent; by default a plain `agent` who works every channel.
    public init(
        id: AgentID, name: String, role: String = "agent", team: String? = nil, languages: [String] = [],
        channels: [ChannelKind] = ChannelKind.allCases, tiers: [CustomerTier] = [], maxOpenThreads: Int = 10,
        available: Bool = true
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.team = team
        self.languages = languages
        self.channels = channels
        self.tiers = tiers
        self.maxOpenThreads = maxOpenThreads
        self.available = available
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, role, team, languages, channels, tiers, maxOpenThreads, available
    }

    /// Decodes; only `id` is required (`name` defaults to the id, `role` to `agent`, `channels`
    /// to all, `maxOpenThreads` to 10, `available` to true).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(String.self, forKey: .id)
        guard !id.isEmpty else { throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: "must not be empty") }
        self.init(
            id: AgentID(id), name: try c.decodeIfPresent(String.self, forKey: .name) ?? id,
            role: try c.decodeIfPresent(String.self, forKey: .role) ?? "agent",
            team: try c.decodeIfPresent(String.self, forKey: .team),
            languages: try c.decodeIfPresent([String].self, forKey: .languages) ?? [],
            channels: try c.decodeIfPresent([ChannelKind].self, forKey: .channels) ?? ChannelKind.allCases,
            tiers: try c.decodeIfPresent([CustomerTier].self, forKey: .tiers) ?? [],
            maxOpenThreads: try c.decodeIfPresent(Int.self, forKey: .maxOpenThreads) ?? 10,
            available: try c.decodeIfPresent(Bool.self, forKey: .available) ?? true)
    }

    /// The Router's view of the agent.
    public var skills: AgentSkills {
        AgentSkills(id: id, languages: languages, channels: channels, tiers: tiers, maxOpenThreads: maxOpenThreads)
    }

    /// Parses an agents file.
    ///
    /// - Throws: ``DeskConfigurationError/agents(_:)`` naming the problem (ids must be unique).
    public static func load(json data: Data) throws(DeskConfigurationError) -> [DeskAgent] {
        let agents: [DeskAgent]
        do { agents = try JSONDecoder().decode([DeskAgent].self, from: data) } catch {
            throw .agents(DeskConfigurationError.describe(error))
        }
        var seen = Set<AgentID>()
        for agent in agents {
            guard seen.insert(agent.id).inserted else { throw .agents("agent \(agent.id) is listed twice") }
            guard agent.maxOpenThreads >= 0 else { throw .agents("agent \(agent.id): maxOpenThreads must not be negative") }
        }
        return agents
    }
}

/// Why a desk configuration file (policy, agents, catalog) was refused.
public enum DeskConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The agents file.
    case agents(String)
    /// The message catalog.
    case catalog(String)
    /// The policy file.
    case policy(String)

    public var description: String {
        switch self {
        case .agents(let reason): "agents file: \(reason)"
        case .catalog(let reason): "message catalog: \(reason)"
        case .policy(let reason): "policy: \(reason)"
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath)).\(key.stringValue) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return String(describing: decoding)
        }
    }
}
