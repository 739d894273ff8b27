import CLibXML2

/// Renders an HTML body as readable text with libxml2's HTML parser (which
/// recovers from the broken markup mail clients produce): block elements and
/// `<br>` become line breaks, list items get a bullet, `script`, `style`,
/// `head` and `title` are dropped, entities are decoded by libxml2, and runs
/// of spaces collapse. Tables are read row by row, cells separated by a tab.
enum HTMLText {
    private static let blockElements: Set<String> = [
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol", "pre",
        "hr", "section", "article", "header", "footer", "dl", "dt", "dd", "address",
    ]
    private static let skippedElements: Set<String> = ["script", "style", "head", "title", "noscript", "template"]

    /// The text of an HTML document given as UTF-8.
    static func render(_ html: String) -> String {
        var utf8 = Array(html.utf8)
        if utf8.isEmpty { return "" }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let count = Int32(clamping: utf8.count)
        guard let document = utf8.withUnsafeMutableBufferPointer({ buffer -> htmlDocPtr? in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, count, nil, "UTF-8", options)
                }
            } ?? nil
        }) else { return "" }
        defer { xmlFreeDoc(document) }
        var output = ""
        output.reserveCapacity(html.utf8.count / 2)
        if let root = xmlDocGetRootElement(document) { walk(root, into: &output, depth: 0) }
        return tidy(output)
    }

    private static func walk(_ node: xmlNodePtr, into output: inout String, depth: Int) {
        // Hostile nesting is bounded; libxml2 itself limits depth to 256 by default.
        guard depth < 512 else { return }
        var child: xmlNodePtr? = node
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { output += String(cString: content) }
            case XML_ELEMENT_NODE:
                let name = current.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if skippedElements.contains(name) { break }
                let isBlock = blockElements.contains(name)
                if isBlock, !output.hasSuffix("\n") { output += "\n" }
                if name == "li" { output += "• " }
                if name == "td" || name == "th", !output.hasSuffix("\n"), !output.isEmpty { output += "\t" }
                if let children = current.pointee.children { walk(children, into: &output, depth: depth + 1) }
                if isBlock, !output.hasSuffix("\n") { output += "\n" }
                if name == "p" || name.first == "h" && name.count == 2 { output += "\n" }
            default:
                break
            }
            child = current.pointee.next
        }
    }

    /// Collapses spaces within lines, trims lines, and keeps at most one blank line in a row.
    private static func tidy(_ text: String) -> String {
        var lines: [String] = []
        var blank = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" || $0 == "\r" }).joined(separator: " ")
                .trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                blank += 1
                if blank > 1 || lines.isEmpty { continue }
            } else {
                blank = 0
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
