import Foundation

/// One problem in a policy, at a field path such as `sla.targets[2].firstReply`.
public struct PolicyIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where: dotted keys and `[index]` subscripts from the document root.
    public var path: String
    /// What is wrong and, where it helps, what is expected.
    public var message: String

    /// An issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// A policy that failed validation, with every issue found (not only the first).
public struct PolicyValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// All issues, in document order.
    public var issues: [PolicyIssue]

    /// An error listing `issues`.
    public init(issues: [PolicyIssue]) { self.issues = issues }

    /// One issue per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// A duration in a policy file: `"4h"`, `"30m"`, `"1h30m"`, `"2d"`, `"45s"`, or a number of seconds.
///
/// Decoding keeps bad text (`seconds == nil`) for validation to report with its path.
public struct PolicyDuration: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// The length in seconds, or `nil` when `text` is not a duration.
    public let seconds: Int64?

    /// Parses a duration such as `"1h30m"`.
    public init(_ text: String) {
        self.text = text
        self.seconds = PolicyDuration.parse(text)
    }

    /// A duration of whole seconds.
    public init(seconds: Int64) {
        self.text = "\(seconds)s"
        self.seconds = seconds
    }

    /// A duration of `hours`.
    public static func hours(_ hours: Int64) -> PolicyDuration { PolicyDuration("\(hours)h") }
    /// A duration of `minutes`.
    public static func minutes(_ minutes: Int64) -> PolicyDuration { PolicyDuration("\(minutes)m") }

    /// Parses a literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// Decodes from a string or a number of seconds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Int64.self) {
            self.init(seconds: number)
        } else {
            self.init(try c.decode(String.self))
        }
    }

    /// Encodes as the original text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    /// The text as written.
    public var description: String { text }

    /// The length as a `TimeInterval`, 0 when invalid.
    public var timeInterval: TimeInterval { Double(seconds ?? 0) }

    /// Validation: must parse and be positive.
    func validatePositive(path: String) -> [PolicyIssue] {
        guard let seconds else {
            return [PolicyIssue(path: path, message: "\"\(text)\" is not a duration (e.g. \"4h\", \"1h30m\", \"2d\")")]
        }
        return seconds > 0 ? [] : [PolicyIssue(path: path, message: "must be positive")]
    }

    private static func parse(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(byte - 48))
                guard !o1, !o2 else { return nil }
                number = s
            case UInt8(ascii: "d"), UInt8(ascii: "h"), UInt8(ascii: "m"), UInt8(ascii: "s"):
                guard let n = number else { return nil }
                let unit: Int64 = switch byte {
                case UInt8(ascii: "d"): 86_400
                case UInt8(ascii: "h"): 3_600
                case UInt8(ascii: "m"): 60
                default: 1
                }
                let (p, o1) = n.multipliedReportingOverflow(by: unit)
                let (s, o2) = total.addingReportingOverflow(p)
                guard !o1, !o2 else { return nil }
                total = s
                number = nil
                sawUnit = true
            case UInt8(ascii: " "): continue
            case UInt8(ascii: "-"): return text.utf8.first == UInt8(ascii: "-") && !sawUnit ? negative(text) : nil
            default: return nil
            }
        }
        if let n = number { return sawUnit ? nil : n }
        return sawUnit ? total : nil
    }

    private static func negative(_ text: String) -> Int64? {
        let rest = text.dropFirst()
        guard rest.first != "-" else { return nil }
        return parse(String(rest)).map { -$0 }
    }
}
