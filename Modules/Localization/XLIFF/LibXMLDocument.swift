import CLibXML2
import Foundation

/// libxml2's XML parser, configured for untrusted input.
///
/// Options: `XML_PARSE_NONET` (no network), no `XML_PARSE_NOENT`,
/// `XML_PARSE_DTDLOAD`, `XML_PARSE_DTDATTR` or `XML_PARSE_DTDVALID`, so no
/// external DTD or entity is ever loaded and declared entities stay entity
/// reference nodes (which the XLIFF reader rejects); `XML_PARSE_NOERROR` and
/// `XML_PARSE_NOWARNING` keep libxml2 off stderr; `XML_PARSE_BIG_LINES` keeps
/// line numbers past 65,535. The first error is captured through the
/// context's structured error handler (`xmlError` with line and column).
enum LibXMLDocument {
    /// `xmlInitParser` once, before the first parse on any thread (it is not thread-safe in 2.9).
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// The first error libxml2 reported for one parse.
    private final class ErrorSink {
        var message: String?
        var line = 0
        var column = 0

        func record(_ error: xmlError) {
            guard message == nil else { return }
            message = error.message.map { String(cString: $0) } ?? "error \(error.code)"
            line = Int(error.line)
            column = Int(error.int2)
        }
    }

    private static let options: Int32 = Int32(
        bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue)

    /// Parses `data` (encoding from its BOM or XML declaration, UTF-8 by default)
    /// and hands the tree to `body`; the tree is freed afterwards.
    ///
    /// - Throws: ``XLIFFError/malformedXML(_:line:column:)`` for XML that is not
    ///   (namespace-)well-formed, ``XLIFFError/tooLarge(bytes:)``, or whatever `body` throws.
    static func withDocument<Result>(
        _ data: Data, _ body: (xmlDocPtr) throws(XLIFFError) -> Result
    ) throws(XLIFFError) -> Result {
        guard data.count <= Int(Int32.max) else { throw .tooLarge(bytes: data.count) }
        guard !data.isEmpty else { throw .malformedXML("Document is empty", line: 1, column: 1) }
        guard initialised, let context = xmlNewParserCtxt() else {
            throw .malformedXML("libxml2 could not allocate a parser", line: 0, column: nil)
        }
        defer { xmlFreeParserCtxt(context) }
        let sink = ErrorSink()
        context.pointee._private = Unmanaged.passUnretained(sink).toOpaque()
        context.pointee.sax?.pointee.serror = { _, error in
            guard let error, let raw = error.pointee.ctxt else { return }
            let parser = raw.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let box = parser.pointee._private else { return }
            guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            Unmanaged<ErrorSink>.fromOpaque(box).takeUnretainedValue().record(error.pointee)
        }
        let document: xmlDocPtr? = withExtendedLifetime(sink) {
            data.withUnsafeBytes { raw -> xmlDocPtr? in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
                return xmlCtxtReadMemory(context, base, Int32(raw.count), nil, nil, options)
            }
        }
        context.pointee._private = nil
        guard let document, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            if sink.message == nil, context.pointee.lastError.code != 0 { sink.record(context.pointee.lastError) }
            let message = (sink.message ?? "the document is not well-formed XML")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw .malformedXML(message, line: sink.line, column: sink.column > 0 ? sink.column : nil)
        }
        defer { xmlFreeDoc(document) }
        return try body(document)
    }
}

/// Read-only helpers over libxml2 tree nodes; nothing here allocates through libxml2.
extension UnsafeMutablePointer where Pointee == xmlNode {
    /// The element's local name.
    var localName: String { pointee.name.map { String(cString: $0) } ?? "" }

    /// The element's namespace URI, nil when it has none.
    var namespaceURI: String? { pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The node's 1-based line, 0 when unknown.
    var lineNumber: Int { Swift.max(0, Int(xmlGetLineNo(self))) }

    /// Element children, in document order.
    var elementChildren: [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(node) }
            child = node.pointee.next
        }
        return result
    }

    /// The value of the unprefixed attribute `name`, nil when absent.
    ///
    /// - Throws: ``XLIFFError/entityReference(_:line:)`` when the value uses a declared entity.
    func attribute(_ name: String) throws(XLIFFError) -> String? {
        var attribute = pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard current.pointee.ns == nil, let attributeName = current.pointee.name,
                String(cString: attributeName) == name
            else { continue }
            var value = ""
            var child = current.pointee.children
            while let node = child {
                switch node.pointee.type {
                case XML_TEXT_NODE:
                    if let content = node.pointee.content { value += String(cString: content) }
                case XML_ENTITY_REF_NODE:
                    throw .entityReference(node.localName, line: lineNumber)
                default:
                    break
                }
                child = node.pointee.next
            }
            return value
        }
        return nil
    }
}
