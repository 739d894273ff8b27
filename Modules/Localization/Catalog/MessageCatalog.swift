import Foundation

/// Canned responses and notifications: MessageFormat patterns by key,
/// language and register, looked up along a fallback chain.
///
/// Lookup for key K, tag T and register R walks T's truncations, then the
/// catalog's default language (`fi-FI` → `fi` → default), and at each
/// language takes R's variant, else the neutral (register-less) variant, else
/// — only as a last resort at that language — the other register. Falling back
/// to the other register beats switching language: a customer would rather
/// be addressed too formally in Finnish than correctly in English.
///
/// The JSON form: `{"defaultLanguage": "en", "messages": {"greeting": {"sv":
/// {"formal": "…", "informal": "…"}, "en": {"neutral": "…"}}}}`.
public struct MessageCatalog: Hashable, Sendable, Codable {
    /// The language every chain ends at.
    public var defaultLanguage: LanguageTag
    /// key → language tag text → register name (`formal`, `informal`, `neutral`) → pattern.
    public var messages: [String: [String: [String: String]]]

    /// A catalog ending its fallback chains at `defaultLanguage`.
    public init(defaultLanguage: LanguageTag, messages: [String: [String: [String: String]]] = [:]) {
        self.defaultLanguage = defaultLanguage
        self.messages = messages
    }

    /// Adds or replaces one pattern (`register` nil for the neutral variant).
    public mutating func set(_ pattern: String, key: String, language: LanguageTag, register: Register? = nil) {
        messages[key, default: [:]][language.description, default: [:]][register?.rawValue ?? "neutral"] = pattern
    }

    /// The pattern for a key, and the language and register it was found in.
    ///
    /// - Throws: ``CatalogError/missingKey(_:)`` when no language in the chain has the key.
    public func lookup(_ key: String, language: LanguageTag, register: Register? = nil) throws(CatalogError)
        -> (pattern: String, language: LanguageTag, register: Register?)
    {
        guard let byLanguage = messages[key] else { throw .missingKey(key) }
        var chain = language.truncations
        for tag in defaultLanguage.truncations where !chain.contains(tag) { chain.append(tag) }
        for tag in chain {
            guard let variants = byLanguage[tag.description] else { continue }
            if let register, let pattern = variants[register.rawValue] { return (pattern, tag, register) }
            if let pattern = variants["neutral"] { return (pattern, tag, nil) }
            for other in Register.allCases where other != register {
                if let pattern = variants[other.rawValue] { return (pattern, tag, other) }
            }
        }
        throw .missingKey(key)
    }

    /// Looks up and formats a message for a customer's language, register and time zone.
    ///
    /// - Throws: ``CatalogError`` for a missing key or a broken pattern, or a missing argument.
    public func format(
        _ key: String, language: LanguageTag, register: Register? = nil, arguments: [String: MessageArgument],
        timeZone: TimeZone
    ) throws(CatalogError) -> String {
        let found = try lookup(key, language: language, register: register)
        do {
            return try MessageFormat(found.pattern).format(arguments, locale: found.language.description, timeZone: timeZone)
        } catch {
            throw .message(key: key, language: found.language.description, error)
        }
    }

    /// Parses a catalog from its JSON form and checks every pattern.
    ///
    /// - Throws: ``CatalogError/malformedJSON(_:)`` or ``CatalogError/message(key:language:_:)`` for the first broken pattern.
    public static func load(json data: Data) throws(CatalogError) -> MessageCatalog {
        let catalog: MessageCatalog
        do { catalog = try JSONDecoder().decode(MessageCatalog.self, from: data) } catch {
            throw .malformedJSON(String(describing: error))
        }
        for (key, byLanguage) in catalog.messages.sorted(by: { $0.key < $1.key }) {
            for (language, variants) in byLanguage.sorted(by: { $0.key < $1.key }) {
                for pattern in variants.values {
                    do { _ = try MessageFormat(pattern) } catch { throw .message(key: key, language: language, error) }
                }
            }
        }
        return catalog
    }
}

/// Why a catalog lookup or load failed.
public enum CatalogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No language in the fallback chain has this key.
    case missingKey(String)
    /// The pattern for the key in that language is broken, or an argument is missing.
    case message(key: String, language: String, MessageFormatError)
    /// The JSON form could not be read.
    case malformedJSON(String)

    public var description: String {
        switch self {
        case .missingKey(let key): "no message \"\(key)\" in any language of the fallback chain"
        case .message(let key, let language, let error): "message \"\(key)\" (\(language)): \(error)"
        case .malformedJSON(let reason): "catalog JSON is malformed: \(reason)"
        }
    }
}
