/// A BCP 47 language tag (RFC 5646), in canonical case: `fi-FI`, `zh-Hant-TW`, `sv`.
///
/// Parsing is best effort for extensions and private use (kept as written);
/// language, script, region and variants are validated and case-normalised.
public struct LanguageTag: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The language subtag, lower case (`fi`).
    public let language: String
    /// The script subtag, title case (`Hant`), if any.
    public let script: String?
    /// The region subtag, upper case (`FI`) or three digits (`419`), if any.
    public let region: String?
    /// Variant, extension and private-use subtags, lower case.
    public let rest: [String]

    /// Parses a tag; `_` is accepted as a separator (`fi_FI`).
    ///
    /// - Throws: ``LanguageTagError`` naming the subtag at fault.
    public init(_ text: String) throws(LanguageTagError) {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        guard let first = parts.first, (2...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalidLanguage(text)
        }
        language = first.lowercased()
        var index = 1
        var script: String?
        var region: String?
        if index < parts.count, parts[index].count == 4, parts[index].allSatisfy({ $0.isASCII && $0.isLetter }) {
            script = parts[index].prefix(1).uppercased() + parts[index].dropFirst().lowercased()
            index += 1
        }
        if index < parts.count,
            (parts[index].count == 2 && parts[index].allSatisfy({ $0.isASCII && $0.isLetter }))
                || (parts[index].count == 3 && parts[index].allSatisfy({ $0.isASCII && $0.isNumber }))
        {
            region = parts[index].uppercased()
            index += 1
        }
        let rest = parts[index...].map { $0.lowercased() }
        for subtag in rest where subtag.isEmpty || subtag.count > 8 || !subtag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw .invalidSubtag(text, subtag: subtag)
        }
        self.script = script
        self.region = region
        self.rest = rest
    }

    /// `language[-Script][-REGION][-rest]`.
    public var description: String {
        ([language] + [script, region].compactMap { $0 } + rest).joined(separator: "-")
    }

    /// This tag, then each shorter prefix: `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`.
    public var truncations: [LanguageTag] {
        var result: [LanguageTag] = [self]
        var parts = description.split(separator: "-").map(String.init)
        while parts.count > 1 {
            parts.removeLast()
            if let tag = try? LanguageTag(parts.joined(separator: "-")) { result.append(tag) }
        }
        return result
    }

    public static func < (lhs: LanguageTag, rhs: LanguageTag) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a language tag was rejected.
public enum LanguageTagError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first subtag is not 2–8 letters.
    case invalidLanguage(String)
    /// A later subtag is empty, too long, or not alphanumeric.
    case invalidSubtag(String, subtag: String)

    public var description: String {
        switch self {
        case .invalidLanguage(let tag): "\"\(tag)\" does not start with a language subtag"
        case .invalidSubtag(let tag, let subtag): "\"\(tag)\" has an invalid subtag \"\(subtag)\""
        }
    }
}

/// How formally to address someone: Italian Lei or tu, German Sie or du,
/// Swedish ni or du, Japanese polite (です/ます) or plain forms.
public enum Register: String, Hashable, Sendable, Codable, CaseIterable {
    /// Formal address.
    case formal
    /// Informal address.
    case informal
}
