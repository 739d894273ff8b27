import Foundation
import Yams

// A policy file as a tree of nodes that remember where they were written, so that the validator
// can put a line and column on every diagnostic. YAML trees come from Yams' composed nodes (their
// marks); JSON trees come from `JSONSourceReader` below, because Foundation's JSON parser keeps no
// positions.

/// A 1-based line and column in a policy file; columns count Unicode scalars, as libyaml does.
struct SourcePosition: Hashable, Sendable, Comparable {
    var line: Int
    var column: Int

    static let start = SourcePosition(line: 1, column: 1)

    static func < (a: SourcePosition, b: SourcePosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// A scalar as written: the text and, for JSON, which kind of token it was.
struct SourceScalar {
    enum JSONKind { case string, number, boolean, null }

    var text: String
    /// Set for JSON scalars.
    var jsonKind: JSONKind?
    /// Set for YAML scalars: Yams' own constructors decide what the text means, as its decoder does.
    var yaml: Node.Scalar?

    var isNull: Bool {
        if let yaml { return NSNull.construct(from: yaml) != nil }
        return jsonKind == .null
    }

    /// The text when a decoder would read it as a string (any YAML scalar; a JSON string token).
    var string: String? { yaml != nil || jsonKind == .string ? text : nil }

    var integer: Int64? {
        if let yaml { return Int64.construct(from: yaml) }
        return jsonKind == .number ? Int64(text) : nil
    }

    var boolean: Bool? {
        if let yaml { return Bool.construct(from: yaml) }
        return jsonKind == .boolean ? text == "true" : nil
    }
}

/// One key and its value in a mapping.
struct SourceEntry {
    var key: String
    var keyPosition: SourcePosition
    var value: SourceNode
    /// Brought in by a YAML merge key (`<<: *defaults`); a key written beside it overrides it.
    var merged = false
    /// A repeated key's value the decoder does not use (YAML keeps the last, JSON the first).
    var ignored = false
}

extension [SourceEntry] {
    /// Marks every entry of a repeated key but the one the decoder uses as ignored.
    func markingIgnored(lastWins: Bool) -> [SourceEntry] {
        var result = self
        var seen: Set<String> = []
        let order: [Int] = lastWins ? result.indices.reversed() : [Int](result.indices)
        for i in order where !seen.insert(result[i].key).inserted {
            result[i].ignored = true
        }
        return result
    }
}

/// A node of a policy file with its position.
struct SourceNode {
    indirect enum Value {
        case scalar(SourceScalar)
        case sequence([SourceNode])
        case mapping([SourceEntry])
    }

    var value: Value
    var position: SourcePosition

    /// "a string", "a list", ... for messages.
    var kindName: String {
        switch value {
        case .scalar(let s):
            if s.isNull { return "null" }
            switch s.jsonKind {
            case .number: return "a number"
            case .boolean: return "true or false"
            case .string: return "a string \"\(s.text)\""
            default: return "\"\(s.text)\""
            }
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    var isNull: Bool {
        if case .scalar(let s) = value { return s.isNull }
        return false
    }

    /// The value for `key` in a mapping: the one the decoder uses when a key is repeated.
    subscript(key: String) -> SourceNode? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key && !$0.ignored }?.value
    }
}

/// A syntax error with its position.
struct SourceSyntaxError: Error {
    var position: SourcePosition
    var message: String
}

// MARK: - YAML

enum YAMLSourceReader {
    /// Composes `text` with Yams and converts the nodes; `nil` for an empty document.
    static func read(_ text: String) throws(SourceSyntaxError) -> SourceNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, text: text)
        } catch {
            throw SourceSyntaxError(position: .start, message: String(describing: error))
        }
        return root.map(convert)
    }

    private static func position(_ mark: Mark?) -> SourcePosition {
        guard let mark else { return .start }
        return SourcePosition(line: max(1, mark.line), column: max(1, mark.column))
    }

    private static func convert(_ node: Node) -> SourceNode {
        switch node {
        case .scalar(let scalar):
            return SourceNode(value: .scalar(SourceScalar(text: scalar.string, yaml: scalar)), position: position(scalar.mark))
        case .sequence(let sequence):
            return SourceNode(value: .sequence(sequence.map(convert)), position: position(sequence.mark))
        case .mapping(let mapping):
            return SourceNode(value: .mapping(entries(mapping)), position: position(mapping.mark))
        }
    }

    /// The entries of a mapping with merge keys resolved as Yams' decoder does
    /// (`Node.Mapping.flatten()`): merged entries first, so that the mapping's own keys win.
    private static func entries(_ mapping: Node.Mapping) -> [SourceEntry] {
        var own: [SourceEntry] = [], merged: [SourceEntry] = []
        for pair in mapping {
            if pair.key.tag.description == Tag.Name.merge.rawValue {
                let sources: [Node.Mapping] = switch pair.value {
                case .mapping(let m): [m]
                case .sequence(let s): s.compactMap(\.mapping).reversed()
                default: []
                }
                for source in sources {
                    merged += entries(source).map { entry in
                        var entry = entry
                        entry.merged = true
                        return entry
                    }
                }
            } else {
                own.append(SourceEntry(key: pair.key.string ?? String(describing: pair.key), keyPosition: position(pair.key.mark), value: convert(pair.value)))
            }
        }
        return (merged + own).markingIgnored(lastWins: true)  // Yams' Node.Mapping subscript takes the last
    }

    private static func syntaxError(_ error: YamlError, text: String) -> SourceSyntaxError {
        func message(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at \(context.mark.line):\(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return SourceSyntaxError(position: position(mark), message: message(context, problem))
        case .reader(let problem, let offset, _, _):
            return SourceSyntaxError(position: offset.map { SourcePositions.position(ofByte: $0, in: Array(text.utf8)) } ?? .start, message: problem)
        default:
            return SourceSyntaxError(position: .start, message: String(describing: error))
        }
    }
}

enum SourcePositions {
    /// The line and column of byte `offset` in `bytes` (columns count Unicode scalars).
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> SourcePosition {
        var line = 1, column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }

    /// The offset of the first byte that is not valid UTF-8, or `nil` when all are.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The number of lines in `bytes` and the length in Unicode scalars of each, for bounds checks.
    static func lineLengths(_ bytes: [UInt8]) -> [Int] {
        var lengths: [Int] = [0]
        for byte in bytes {
            if byte == UInt8(ascii: "\n") { lengths.append(0) } else if byte & 0xC0 != 0x80 { lengths[lengths.count - 1] += 1 }
        }
        return lengths
    }
}

// MARK: - JSON

/// A small RFC 8259 reader that keeps the line, column and byte range of every value.
///
/// It stops at the first syntax error (there is no sensible way to resynchronise JSON) and
/// nests at most `maxDepth` levels, so hostile input cannot exhaust the stack.
struct JSONSourceReader {
    static let maxDepth = 256

    private let bytes: [UInt8]
    /// Errors the reader could go past.
    private(set) var recovered: [SourceSyntaxError] = []
    /// Departures from RFC 8259 that the loader accepts.
    private(set) var warnings: [SourceSyntaxError] = []
    private var offset = 0
    private var line = 1
    private var column = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one JSON value filling the whole input, and the errors it could go past.
    static func read(_ bytes: [UInt8]) throws(SourceSyntaxError) -> (node: SourceNode, recovered: [SourceSyntaxError], warnings: [SourceSyntaxError]) {
        var reader = JSONSourceReader(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.offset = 3 }
        reader.skipWhitespace()
        let node = try reader.value(depth: 0)
        reader.skipWhitespace()
        if reader.offset < bytes.count { throw reader.error("unexpected text after the JSON value") }
        return (node, reader.recovered, reader.warnings)
    }

    private var here: SourcePosition { SourcePosition(line: line, column: column) }

    private func error(_ message: String) -> SourceSyntaxError {
        SourceSyntaxError(position: here, message: message)
    }

    private var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SourceSyntaxError) {
        guard peek == byte else { throw error(peek == nil ? "unexpected end of file, expected \(what)" : "expected \(what)") }
        advance()
    }

    private mutating func value(depth: Int) throws(SourceSyntaxError) -> SourceNode {
        guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        let start = here
        guard let byte = peek else { throw error("unexpected end of file, expected a value") }
        let result: SourceNode.Value
        switch byte {
        case UInt8(ascii: "{"):
            advance()
            var entries: [SourceEntry] = []
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                advance()
            } else {
                while true {
                    skipWhitespace()
                    let keyPosition = here
                    guard peek == UInt8(ascii: "\"") else { throw error(peek == nil ? "unexpected end of file, expected a key" : "expected a key in double quotes") }
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "':' after the key")
                    skipWhitespace()
                    let item = try value(depth: depth + 1)
                    entries.append(SourceEntry(key: key, keyPosition: keyPosition, value: item))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        advance()
                        if trailingComma(before: UInt8(ascii: "}")) { break }
                        continue
                    }
                    try expect(UInt8(ascii: "}"), "',' or '}'")
                    break
                }
            }
            result = .mapping(entries.markingIgnored(lastWins: false))  // Foundation's decoder takes the first
        case UInt8(ascii: "["):
            advance()
            var items: [SourceNode] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                advance()
            } else {
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        advance()
                        if trailingComma(before: UInt8(ascii: "]")) { break }
                        continue
                    }
                    try expect(UInt8(ascii: "]"), "',' or ']'")
                    break
                }
            }
            result = .sequence(items)
        case UInt8(ascii: "\""):
            result = .scalar(SourceScalar(text: try string(), jsonKind: .string))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let word: String = byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null"
            for expected in word.utf8 {
                guard peek == expected else { throw SourceSyntaxError(position: start, message: "unknown literal (expected \(word))") }
                advance()
            }
            result = .scalar(SourceScalar(text: word, jsonKind: word == "null" ? .null : .boolean))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            result = .scalar(SourceScalar(text: try number(), jsonKind: .number))
        default:
            throw error("expected a value (object, array, string, number, true, false or null)")
        }
        return SourceNode(value: result, position: start)
    }

    /// After a comma: whether `close` follows (a trailing comma, which RFC 8259 forbids and
    /// Foundation's decoder accepts: a warning), consuming it.
    private mutating func trailingComma(before close: UInt8) -> Bool {
        let comma = SourcePosition(line: line, column: column - 1)
        skipWhitespace()
        guard peek == close else { return false }
        warnings.append(SourceSyntaxError(position: comma, message: "trailing comma (JSON allows none; the loader accepts it)"))
        advance()
        return true
    }

    private mutating func number() throws(SourceSyntaxError) -> String {
        let startOffset = offset
        func digits(_ reader: inout JSONSourceReader) -> Int {
            var n = 0
            while let b = reader.peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) { reader.advance(); n += 1 }
            return n
        }
        if peek == UInt8(ascii: "-") { advance() }
        if peek == UInt8(ascii: "0") {
            advance()
        } else if digits(&self) == 0 {
            throw error("expected a digit")
        }
        if peek == UInt8(ascii: ".") {
            advance()
            guard digits(&self) > 0 else { throw error("expected a digit after '.'") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            advance()
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { advance() }
            guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: bytes[startOffset..<offset], as: UTF8.self)
    }

    private mutating func string() throws(SourceSyntaxError) -> String {
        advance()  // opening quote
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw error("unexpected end of file in a string") }
            switch b {
            case UInt8(ascii: "\""):
                advance()
                guard let text = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                advance()
                guard let e = peek else { throw error("unexpected end of file in a string") }
                let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
                if let s = simple[e] {
                    out.append(s)
                    advance()
                } else if e == UInt8(ascii: "u") {
                    advance()
                    var unit = try hex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard peek == UInt8(ascii: "\\") else { throw error("lone UTF-16 surrogate in \\u escape") }
                        advance()
                        guard peek == UInt8(ascii: "u") else { throw error("lone UTF-16 surrogate in \\u escape") }
                        advance()
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("lone UTF-16 surrogate in \\u escape") }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        throw error("lone UTF-16 surrogate in \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(unit) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                } else {
                    // The loader only minds this in a string it reads: an error the reader goes past.
                    recovered.append(error("invalid escape '\\\(Character(Unicode.Scalar(e)))'"))
                    out.append(e)
                    advance()
                }
            case 0x00..<0x20:
                // RFC 8259 forbids these, and so does the loader when it reads that string (it
                // skips unused ones): an error, but one the reader can go past, so that the rest
                // of the file is still checked.
                recovered.append(error("control character U+\(String(format: "%04X", b)) in a string; escape it (\\n, \\t, \\u00XX)"))
                out.append(b)
                advance()
            default:
                out.append(b)
                advance()
            }
        }
    }

    private mutating func hex4() throws(SourceSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw error("unexpected end of file in \\u escape") }
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
            default: throw error("expected four hex digits after \\u")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }
}
