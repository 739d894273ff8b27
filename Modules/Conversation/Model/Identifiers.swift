/// The desk's identifier of a message.
///
/// For e-mail this is the RFC 5322 Message-ID without its angle brackets
/// (`abc@example.com`); for other channels the platform's message id,
/// namespaced by channel (`chat:8f2c…`). Unique within a desk.
public struct MessageID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier text.
    public let rawValue: String

    /// Wraps an identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Wraps an identifier written as a literal (tests, examples).
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

/// The desk's ticket number for a thread: what customers see as `[#12345]` in subjects.
public struct ThreadID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The ticket number.
    public let rawValue: UInt64

    /// Wraps a ticket number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: ThreadID, rhs: ThreadID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `#12345`.
    public var description: String { "#\(rawValue)" }
}
