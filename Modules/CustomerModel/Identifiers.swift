/// An opaque identifier chosen by the host: a customer number, an agent's
/// login, a Message-ID. One protocol gives every identifier type the same
/// literal, coding (a bare JSON string), ordering and printing, while the
/// types stay distinct so a party id can never be passed as an agent id.
public protocol StringIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral where StringLiteralType == String
{
    /// The identifier text.
    var rawValue: String { get }
    /// Wraps identifier text.
    init(_ rawValue: String)
}

extension StringIdentifier {
    /// Wraps an identifier written as a literal (tests, examples).
    public init(stringLiteral value: String) { self.init(value) }

    /// Decodes a bare string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as a bare string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

/// The stable identifier of a party: a B2C customer, a B2B account, or a
/// stakeholder (a person who belongs to an account). SupportKit never parses it.
public struct PartyID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// The stable identifier of a support agent (a person on the desk's side).
public struct AgentID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
