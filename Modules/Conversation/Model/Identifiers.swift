import CustomerModel

/// The desk's identifier of a message.
///
/// For e-mail this is the RFC 5322 Message-ID without its angle brackets
/// (`abc@example.com`); for other channels the platform's message id,
/// namespaced by channel (`chat:8f2c…`). Unique within a desk.
public struct MessageID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
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
