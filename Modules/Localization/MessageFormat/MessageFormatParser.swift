extension MessageFormat {
    /// A recursive-descent parser over the pattern's characters, bounded in depth.
    struct Parser {
        let characters: [Character]
        var index = 0

        init(_ characters: [Character]) { self.characters = characters }

        private var current: Character? { index < characters.count ? characters[index] : nil }

        /// Text and arguments up to an unmatched `}` (left for the caller) or the end.
        mutating func parseMessage(depth: Int, inPlural: Bool) throws(MessageFormatError) -> [Node] {
            guard depth < 32 else { throw .nestingTooDeep(offset: index) }
            var nodes: [Node] = []
            var text = ""
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)) }
                text = ""
            }
            while let c = current {
                switch c {
                case "'":
                    text += try quoted(inPlural: inPlural)
                case "{":
                    flush()
                    nodes.append(try argument(depth: depth, inPlural: inPlural))
                case "}":
                    flush()
                    return nodes
                case "#" where inPlural:
                    flush()
                    nodes.append(.pound)
                    index += 1
                default:
                    text.append(c)
                    index += 1
                }
            }
            flush()
            return nodes
        }

        /// ICU apostrophe rules: `''` is one apostrophe; an apostrophe before a
        /// syntax character starts a quoted literal up to the next lone apostrophe;
        /// any other apostrophe is literal.
        private mutating func quoted(inPlural: Bool) throws(MessageFormatError) -> String {
            let start = index
            index += 1
            guard let next = current else { return "'" }
            if next == "'" {
                index += 1
                return "'"
            }
            guard next == "{" || next == "}" || next == "|" || (inPlural && next == "#") else { return "'" }
            var literal = ""
            while let c = current {
                if c == "'" {
                    if index + 1 < characters.count, characters[index + 1] == "'" {
                        literal.append("'")
                        index += 2
                        continue
                    }
                    index += 1
                    return literal
                }
                literal.append(c)
                index += 1
            }
            throw .unexpectedEnd(offset: start)
        }

        private mutating func skipSpace() {
            while let c = current, c.isWhitespace { index += 1 }
        }

        private mutating func word() -> String {
            var result = ""
            while let c = current, !c.isWhitespace, c != ",", c != "{", c != "}" {
                result.append(c)
                index += 1
            }
            return result
        }

        private mutating func expect(_ character: Character) throws(MessageFormatError) {
            guard let c = current else { throw .unexpectedEnd(offset: index) }
            guard c == character else { throw .unexpectedCharacter(c, offset: index) }
            index += 1
        }

        private mutating func argument(depth: Int, inPlural: Bool) throws(MessageFormatError) -> Node {
            let start = index
            index += 1
            skipSpace()
            let name = word()
            guard !name.isEmpty else {
                if current == nil { throw .unexpectedEnd(offset: index) }
                throw .missingArgumentName(offset: start)
            }
            skipSpace()
            guard let c = current else { throw .unexpectedEnd(offset: index) }
            if c == "}" {
                index += 1
                return .argument(name)
            }
            try expect(",")
            skipSpace()
            let typeOffset = index
            let type = word()
            skipSpace()
            switch type {
            case "number", "date", "time":
                var style: String?
                if current == "," {
                    index += 1
                    skipSpace()
                    style = word()
                    skipSpace()
                }
                try expect("}")
                if type == "number" { return .number(name, style: style) }
                return .date(name, style: style ?? "short", time: type == "time")
            case "plural", "selectordinal", "select":
                try expect(",")
                var offset = 0
                var cases: [String: [Node]] = [:]
                while true {
                    skipSpace()
                    guard let c = current else { throw .unexpectedEnd(offset: index) }
                    if c == "}" {
                        index += 1
                        break
                    }
                    let selectorOffset = index
                    let selector = word()
                    guard !selector.isEmpty else { throw .unexpectedCharacter(c, offset: index) }
                    if type != "select", selector.hasPrefix("offset:") {
                        guard let value = Int(selector.dropFirst("offset:".count)) else {
                            throw .unexpectedCharacter(characters[selectorOffset], offset: selectorOffset)
                        }
                        offset = value
                        continue
                    }
                    skipSpace()
                    try expect("{")
                    let body = try parseMessage(depth: depth + 1, inPlural: type != "select" || inPlural)
                    try expect("}")
                    cases[selector] = body
                }
                guard cases["other"] != nil else { throw .missingOther(offset: start) }
                if type == "select" { return .select(name, cases: cases) }
                return .plural(name, offset: offset, ordinal: type == "selectordinal", cases: cases)
            case "":
                throw current == nil ? .unexpectedEnd(offset: index) : .unexpectedCharacter(characters[index], offset: index)
            default:
                throw .unknownArgumentType(type, offset: typeOffset)
            }
        }
    }
}
