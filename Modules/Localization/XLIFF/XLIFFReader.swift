import CLibXML2
import Foundation

extension XLIFFDocument {
    /// Reads an XLIFF 2.0 (2.1, 2.2) or XLIFF 1.2 document, parsed by libxml2
    /// without loading any DTD, external entity or network resource.
    ///
    /// The key of a unit is 2.0 `<unit name>` (1.2 `resname`), else its `id`;
    /// the register is a `<note category="register">` (1.2: `<note from="register">`)
    /// reading `formal`, `informal` or `neutral`, neutral when absent. The
    /// source is the concatenation of the unit's segments and ignorables; the
    /// target likewise, nil when a segment has no `<target>` or the result is
    /// empty. Inline codes are flattened to their original data or text and
    /// reported as warnings. Whitespace is kept as written.
    ///
    /// - Throws: ``XLIFFError`` — `malformedXML` (with libxml2's line and
    ///   column), `wrongRoot`, `unsupportedVersion`, `wrongNamespace`,
    ///   `missingAttribute` (naming it), `missingElement`, `invalidLanguageTag`,
    ///   `duplicateUnitID`, `duplicateMessage`, `languageMismatch` (1.2),
    ///   `entityReference`, `invalidRegister`, `invalidCodePoint` or `tooLarge`.
    public static func read(_ data: Data) throws(XLIFFError) -> XLIFFReadResult {
        try LibXMLDocument.withDocument(data) { (document) throws(XLIFFError) -> XLIFFReadResult in
            guard let root = xmlDocGetRootElement(document) else {
                throw .malformedXML("the document has no root element", line: 1, column: nil)
            }
            var reader = XLIFFTreeReader(root: root)
            return try reader.read()
        }
    }
}

/// Walks a parsed XLIFF tree into units.
private struct XLIFFTreeReader {
    private struct MessageID: Hashable {
        var key: String
        var register: Register?
    }

    let root: xmlNodePtr
    /// The root's namespace; XLIFF elements must be in it (1.2 may have none).
    private var namespace: String?
    private var units: [XLIFFDocument.Unit] = []
    private var unitLines: [Int] = []
    private var warnings: [XLIFFWarning] = []
    private var seen: [MessageID: Int] = [:]

    init(root: xmlNodePtr) {
        self.root = root
        namespace = root.namespaceURI
    }

    mutating func read() throws(XLIFFError) -> XLIFFReadResult {
        let line = root.lineNumber
        guard root.localName == "xliff" else {
            let prefix = root.pointee.ns?.pointee.prefix.map { String(cString: $0) + ":" } ?? ""
            throw .wrongRoot(prefix + root.localName, line: line)
        }
        guard let version = try root.attribute("version"), !version.isEmpty else {
            throw .missingAttribute("version", element: "xliff", line: line)
        }
        let document: XLIFFDocument
        switch version {
        case "2.0", "2.1", "2.2":
            guard namespace == XLIFFDocument.xliff2Namespace else {
                throw .wrongNamespace(found: namespace ?? "", expected: XLIFFDocument.xliff2Namespace, line: line)
            }
            document = try readVersion2()
        case "1.2":
            guard namespace == nil || namespace == XLIFFDocument.xliff12Namespace else {
                throw .wrongNamespace(found: namespace ?? "", expected: XLIFFDocument.xliff12Namespace, line: line)
            }
            document = try readVersion12()
        default:
            throw .unsupportedVersion(version, line: line)
        }
        return XLIFFReadResult(document: document, version: version, warnings: warnings, unitLines: unitLines)
    }

    // MARK: Shared

    private func isXLIFF(_ node: xmlNodePtr, _ name: String) -> Bool {
        node.localName == name && node.namespaceURI == namespace
    }

    private func children(_ node: xmlNodePtr, named name: String) -> [xmlNodePtr] {
        node.elementChildren.filter { isXLIFF($0, name) }
    }

    private static func languageTag(_ value: String, attribute: String, line: Int) throws(XLIFFError) -> LanguageTag {
        do { return try LanguageTag(value) } catch { throw .invalidLanguageTag(value, attribute: attribute, line: line) }
    }

    private static func required(_ attribute: String, of node: xmlNodePtr) throws(XLIFFError) -> String {
        guard let value = try node.attribute(attribute), !value.isEmpty else {
            throw .missingAttribute(attribute, element: node.localName, line: node.lineNumber)
        }
        return value
    }

    private static func register(_ text: String, line: Int) throws(XLIFFError) -> Register? {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "formal": return .formal
        case "informal": return .informal
        case "neutral": return nil
        default: throw .invalidRegister(text, line: line)
        }
    }

    private mutating func add(_ unit: XLIFFDocument.Unit, line: Int) throws(XLIFFError) {
        let id = MessageID(key: unit.key, register: unit.register)
        guard seen[id] == nil else { throw .duplicateMessage(key: unit.key, register: unit.register, line: line) }
        seen[id] = units.count
        units.append(unit)
        unitLines.append(line)
    }

    private enum Dialect {
        case version2(originalData: [String: String])
        case version12
    }

    /// The text of a source, target, note or data element, inline elements flattened.
    private mutating func inlineText(_ element: xmlNodePtr, unit: String, dialect: Dialect) throws(XLIFFError) -> String {
        var out = ""
        var child = element.pointee.children
        while let node = child {
            child = node.pointee.next
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { out += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                let line = node.lineNumber
                throw .entityReference(node.localName, line: line > 0 ? line : element.lineNumber)
            case XML_ELEMENT_NODE:
                out += try inlineElement(node, unit: unit, dialect: dialect)
            default:
                break  // comments, processing instructions
            }
        }
        return out
    }

    private mutating func inlineElement(_ node: xmlNodePtr, unit: String, dialect: Dialect) throws(XLIFFError) -> String {
        let name = node.localName
        let line = node.lineNumber
        guard node.namespaceURI == namespace else {
            warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
            return try inlineText(node, unit: unit, dialect: dialect)
        }
        switch dialect {
        case .version2(let originalData):
            func data(_ reference: String, or equivalent: String) throws(XLIFFError) -> String {
                if let ref = try node.attribute(reference), let value = originalData[ref] { return value }
                return try node.attribute(equivalent) ?? ""
            }
            switch name {
            case "cp":
                let hex = try Self.required("hex", of: node)
                guard hex.count <= 6, hex.allSatisfy(\.isHexDigit), let value = UInt32(hex, radix: 16),
                    let scalar = Unicode.Scalar(value)
                else { throw .invalidCodePoint(hex, line: line) }
                return String(Character(scalar))
            case "mrk":
                return try inlineText(node, unit: unit, dialect: dialect)
            case "sm", "em":
                return ""
            case "ph", "sc", "ec":
                warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
                return try data("dataRef", or: "equiv")
            case "pc":
                warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
                let start = try data("dataRefStart", or: "equivStart")
                let content = try inlineText(node, unit: unit, dialect: dialect)
                return start + content + (try data("dataRefEnd", or: "equivEnd"))
            default:
                warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
                return try inlineText(node, unit: unit, dialect: dialect)
            }
        case .version12:
            switch name {
            case "mrk":
                return try inlineText(node, unit: unit, dialect: dialect)
            case "x", "bx", "ex":
                warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
                return try node.attribute("equiv-text") ?? ""
            default:  // g, ph, bpt, ept, it, sub and unknown elements: their content
                warnings.append(.inlineCodeFlattened(element: name, unit: unit, line: line))
                return try inlineText(node, unit: unit, dialect: dialect)
            }
        }
    }

    // MARK: XLIFF 2.x

    private mutating func readVersion2() throws(XLIFFError) -> XLIFFDocument {
        let line = root.lineNumber
        let sourceLanguage = try Self.languageTag(
            try Self.required("srcLang", of: root), attribute: "srcLang", line: line)
        var targetLanguage: LanguageTag?
        if let trgLang = try root.attribute("trgLang") {
            targetLanguage = try Self.languageTag(trgLang, attribute: "trgLang", line: line)
        }
        let files = children(root, named: "file")
        guard !files.isEmpty else { throw .missingElement("file", parent: "xliff", line: line) }
        for file in files {
            _ = try Self.required("id", of: file)
            var ids: Set<String> = []
            try readContainer2(file, ids: &ids)
        }
        if targetLanguage == nil, units.contains(where: { $0.target != nil }) {
            throw .missingAttribute("trgLang", element: "xliff", line: line)
        }
        return XLIFFDocument(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, units: units)
    }

    /// A `<file>` or `<group>`: its units and nested groups.
    private mutating func readContainer2(_ container: xmlNodePtr, ids: inout Set<String>) throws(XLIFFError) {
        for child in container.elementChildren where child.namespaceURI == namespace {
            switch child.localName {
            case "unit": try readUnit2(child, ids: &ids)
            case "group": try readContainer2(child, ids: &ids)
            default: break  // skeleton, notes, module and extension elements
            }
        }
    }

    private mutating func readUnit2(_ unit: xmlNodePtr, ids: inout Set<String>) throws(XLIFFError) {
        let line = unit.lineNumber
        let id = try Self.required("id", of: unit)
        guard ids.insert(id).inserted else { throw .duplicateUnitID(id, line: line) }
        let name = try unit.attribute("name") ?? ""
        let key = name.isEmpty ? id : name
        var register: Register?
        var originalData: [String: String] = [:]
        for child in unit.elementChildren {
            if isXLIFF(child, "notes") {
                for note in children(child, named: "note") {
                    guard try note.attribute("category") == "register" else { continue }
                    let text = try inlineText(note, unit: id, dialect: .version2(originalData: [:]))
                    register = try Self.register(text, line: note.lineNumber)
                }
            } else if isXLIFF(child, "originalData") {
                for data in children(child, named: "data") {
                    let dataID = try Self.required("id", of: data)
                    originalData[dataID] = try inlineText(data, unit: id, dialect: .version2(originalData: [:]))
                }
            }
        }
        let dialect = Dialect.version2(originalData: originalData)
        var source = ""
        var target = ""
        var sawSegment = false
        var sawTarget = false
        var missingTarget = false
        for child in unit.elementChildren where isXLIFF(child, "segment") || isXLIFF(child, "ignorable") {
            let isSegment = child.localName == "segment"
            sawSegment = sawSegment || isSegment
            guard let sourceElement = children(child, named: "source").first else {
                throw .missingElement("source", parent: child.localName, line: child.lineNumber)
            }
            let part = try inlineText(sourceElement, unit: id, dialect: dialect)
            source += part
            if let targetElement = children(child, named: "target").first {
                target += try inlineText(targetElement, unit: id, dialect: dialect)
                if isSegment { sawTarget = true }
            } else if isSegment {
                missingTarget = true
            } else {
                target += part
            }
        }
        guard sawSegment else { throw .missingElement("segment", parent: "unit", line: line) }
        let translated = sawTarget && !missingTarget && !target.isEmpty
        try add(XLIFFDocument.Unit(key: key, register: register, source: source, target: translated ? target : nil), line: line)
    }

    // MARK: XLIFF 1.2

    private mutating func readVersion12() throws(XLIFFError) -> XLIFFDocument {
        let files = children(root, named: "file")
        guard !files.isEmpty else { throw .missingElement("file", parent: "xliff", line: root.lineNumber) }
        var sourceLanguage: LanguageTag?
        var targetLanguage: LanguageTag?
        for file in files {
            let line = file.lineNumber
            let sourceText = try Self.required("source-language", of: file)
            let source = try Self.languageTag(sourceText, attribute: "source-language", line: line)
            if let sourceLanguage, sourceLanguage != source {
                throw .languageMismatch(sourceText, attribute: "source-language", line: line)
            }
            sourceLanguage = source
            var fileTarget: LanguageTag?
            if let targetText = try file.attribute("target-language"), !targetText.isEmpty {
                let target = try Self.languageTag(targetText, attribute: "target-language", line: line)
                if let targetLanguage, targetLanguage != target {
                    throw .languageMismatch(targetText, attribute: "target-language", line: line)
                }
                targetLanguage = target
                fileTarget = target
            }
            guard let body = children(file, named: "body").first else {
                throw .missingElement("body", parent: "file", line: line)
            }
            let before = units.count
            var ids: Set<String> = []
            try readContainer12(body, ids: &ids)
            if fileTarget == nil, units[before...].contains(where: { $0.target != nil }) {
                throw .missingAttribute("target-language", element: "file", line: line)
            }
        }
        guard let sourceLanguage else { throw .missingElement("file", parent: "xliff", line: root.lineNumber) }
        return XLIFFDocument(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, units: units)
    }

    private mutating func readContainer12(_ container: xmlNodePtr, ids: inout Set<String>) throws(XLIFFError) {
        for child in container.elementChildren where child.namespaceURI == namespace {
            switch child.localName {
            case "trans-unit": try readTransUnit(child, ids: &ids)
            case "group": try readContainer12(child, ids: &ids)
            default: break  // bin-unit, context-group, extensions
            }
        }
    }

    private mutating func readTransUnit(_ unit: xmlNodePtr, ids: inout Set<String>) throws(XLIFFError) {
        let line = unit.lineNumber
        let id = try Self.required("id", of: unit)
        guard ids.insert(id).inserted else { throw .duplicateUnitID(id, line: line) }
        let resname = try unit.attribute("resname") ?? ""
        let key = resname.isEmpty ? id : resname
        guard let sourceElement = children(unit, named: "source").first else {
            throw .missingElement("source", parent: "trans-unit", line: line)
        }
        let source = try inlineText(sourceElement, unit: id, dialect: .version12)
        var target: String?
        if let targetElement = children(unit, named: "target").first {
            let text = try inlineText(targetElement, unit: id, dialect: .version12)
            if !text.isEmpty { target = text }
        }
        var register: Register?
        for note in children(unit, named: "note") {
            guard try note.attribute("from") == "register" else { continue }
            register = try Self.register(try inlineText(note, unit: id, dialect: .version12), line: note.lineNumber)
        }
        try add(XLIFFDocument.Unit(key: key, register: register, source: source, target: target), line: line)
    }
}
