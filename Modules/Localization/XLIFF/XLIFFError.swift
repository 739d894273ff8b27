/// Why an XLIFF (or its JSON form) could not be read. Lines and columns are
/// 1-based and come from libxml2; a line of 0 means libxml2 did not know it.
public enum XLIFFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not well-formed XML (or not namespace-well-formed), as libxml2 reported it.
    case malformedXML(String, line: Int, column: Int?)
    /// The root element is not `<xliff>`; carries the element name found.
    case wrongRoot(String, line: Int)
    /// `<xliff version>` is neither `1.2` nor `2.x`.
    case unsupportedVersion(String, line: Int)
    /// The root's namespace does not match its version (`found` is empty for no namespace).
    case wrongNamespace(found: String, expected: String, line: Int)
    /// A required attribute is missing (or empty), e.g. `srcLang` on `<xliff>` or `id` on `<unit>`.
    case missingAttribute(String, element: String, line: Int)
    /// A required child element is missing, e.g. `<source>` in a `<segment>`.
    case missingElement(String, parent: String, line: Int)
    /// A language attribute (`srcLang`, `trgLang`, `source-language`, `target-language`) is not a BCP 47 tag.
    case invalidLanguageTag(String, attribute: String, line: Int)
    /// A second `<unit>` (`<trans-unit>` in 1.2) with the same `id` in one `<file>`.
    case duplicateUnitID(String, line: Int)
    /// Two units carry the same key and register, so they would overwrite each other.
    case duplicateMessage(key: String, register: Register?, line: Int)
    /// An XLIFF 1.2 `<file>` whose languages differ from the first file's.
    case languageMismatch(String, attribute: String, line: Int)
    /// An entity reference other than the five predefined ones and character references.
    /// Declared entities are never expanded (so external entities are never loaded).
    case entityReference(String, line: Int)
    /// A register note whose text is not `formal`, `informal` or `neutral`.
    case invalidRegister(String, line: Int)
    /// A 2.0 `<cp hex>` that is not a Unicode scalar value in hexadecimal.
    case invalidCodePoint(String, line: Int)
    /// A source or target is not a valid MessageFormat pattern (checked by ``MessageCatalog/importXLIFF(_:)``).
    case invalidPattern(key: String, language: String, line: Int, MessageFormatError)
    /// The document is larger than libxml2 can take in one buffer (2 GiB).
    case tooLarge(bytes: Int)
    /// The JSON form of an ``XLIFFDocument`` could not be decoded.
    case malformedJSON(String)

    /// The line at fault, when the error has one.
    public var line: Int? {
        switch self {
        case .malformedXML(_, let line, _), .wrongRoot(_, let line), .unsupportedVersion(_, let line),
            .wrongNamespace(_, _, let line), .missingAttribute(_, _, let line), .missingElement(_, _, let line),
            .invalidLanguageTag(_, _, let line), .duplicateUnitID(_, let line), .duplicateMessage(_, _, let line),
            .languageMismatch(_, _, let line), .entityReference(_, let line), .invalidRegister(_, let line),
            .invalidCodePoint(_, let line), .invalidPattern(_, _, let line, _):
            line
        case .tooLarge, .malformedJSON:
            nil
        }
    }

    /// A sentence a person can act on, starting with the position.
    public var description: String {
        switch self {
        case .malformedXML(let message, let line, let column):
            "line \(line)\(column.map { ", column \($0)" } ?? ""): malformed XML: \(message)"
        case .wrongRoot(let name, let line):
            "line \(line): the root element is <\(name)>, expected <xliff>"
        case .unsupportedVersion(let version, let line):
            "line \(line): XLIFF version \"\(version)\" is not supported (use 2.0, or 1.2 for import)"
        case .wrongNamespace(let found, let expected, let line):
            "line \(line): <xliff> is in namespace \"\(found)\", expected \"\(expected)\""
        case .missingAttribute(let attribute, let element, let line):
            "line \(line): <\(element)> needs a non-empty \"\(attribute)\" attribute"
        case .missingElement(let child, let parent, let line):
            "line \(line): <\(parent)> needs a <\(child)> element"
        case .invalidLanguageTag(let value, let attribute, let line):
            "line \(line): \(attribute)=\"\(value)\" is not a BCP 47 language tag"
        case .duplicateUnitID(let id, let line):
            "line \(line): a unit with id \"\(id)\" already exists in this file; ids must be unique"
        case .duplicateMessage(let key, let register, let line):
            "line \(line): key \"\(key)\" (\(register?.rawValue ?? "neutral")) appears in two units"
        case .languageMismatch(let value, let attribute, let line):
            "line \(line): \(attribute)=\"\(value)\" differs from the first <file>; split the document into one per language pair"
        case .entityReference(let name, let line):
            "line \(line): entity reference &\(name); is not allowed (declared entities are never expanded)"
        case .invalidRegister(let value, let line):
            "line \(line): register \"\(value)\" is not formal, informal or neutral"
        case .invalidCodePoint(let value, let line):
            "line \(line): <cp hex=\"\(value)\"> is not a Unicode scalar value"
        case .invalidPattern(let key, let language, let line, let error):
            "line \(line): message \"\(key)\" (\(language)) is not a valid MessageFormat pattern: \(error)"
        case .tooLarge(let bytes):
            "the document has \(bytes) bytes; at most \(Int32.max) can be parsed"
        case .malformedJSON(let reason):
            "XLIFF JSON is malformed: \(reason)"
        }
    }
}

/// Recoverable damage found while reading an XLIFF document: the document
/// was still read, and this says what was approximated.
public enum XLIFFWarning: Hashable, Sendable, CustomStringConvertible {
    /// An inline code (`<ph>`, `<pc>`, `<sc>`, `<ec>` in 2.0; `<g>`, `<x>`, `<bx>`, `<ex>`, `<ph>`,
    /// `<bpt>`, `<ept>`, `<it>` in 1.2) or an unknown element inside a source or target was
    /// replaced by its original data or text content (see docs/Localization.md, "XLIFF").
    case inlineCodeFlattened(element: String, unit: String, line: Int)

    /// What was approximated, and where.
    public var description: String {
        switch self {
        case .inlineCodeFlattened(let element, let unit, let line):
            "line \(line): inline <\(element)> in unit \"\(unit)\" was replaced by its text"
        }
    }
}
