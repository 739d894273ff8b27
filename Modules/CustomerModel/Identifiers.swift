/// The stable identifier of a party: a B2C customer, a B2B account, or a
/// stakeholder (a person who belongs to an account).
///
/// Identifiers are opaque strings chosen by the host (a shop's customer
/// number, a CRM key). SupportKit never parses them.
public struct PartyID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The host's identifier text.
    public let rawValue: String

    /// Wraps a host identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Wraps a host identifier written as a literal (tests, examples).
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: PartyID, rhs: PartyID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

/// The stable identifier of a support agent (a person on the desk's side).
public struct AgentID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The host's identifier text.
    public let rawValue: String

    /// Wraps a host identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Wraps a host identifier written as a literal (tests, examples).
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}
