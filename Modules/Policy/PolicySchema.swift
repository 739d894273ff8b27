import Foundation

// The shape of a version-1 policy file: which keys each mapping has, which are required, and the
// type of each value. It mirrors the `Decodable` conformances of the document's types; the
// validator also runs those decoders, so a field the table and a decoder disagree about is still
// reported (by the decoder's error), never silently accepted.

/// The expected shape of one value.
indirect enum PolicyShape: Sendable {
    case string
    case integer
    case boolean
    /// `"4h"`-style text or a number of seconds (format checked by validation).
    case duration
    /// One of a fixed set of words; `noun` names the set in messages ("a priority").
    case word(noun: String, values: [String])
    case list(PolicyShape)
    /// A mapping with free keys (team names, currency codes), every value of one shape.
    case dictionary(PolicyShape)
    case object([PolicyField])

    var expectation: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "true or false"
        case .duration: "a duration such as \"4h\" or a number of seconds"
        case .word(let noun, _): noun
        case .list: "a list"
        case .dictionary, .object: "a mapping"
        }
    }
}

/// One key of an object shape.
struct PolicyField: Sendable {
    var name: String
    var shape: PolicyShape
    var required: Bool

    static func required(_ name: String, _ shape: PolicyShape) -> PolicyField { PolicyField(name: name, shape: shape, required: true) }
    static func optional(_ name: String, _ shape: PolicyShape) -> PolicyField { PolicyField(name: name, shape: shape, required: false) }
}

private func words<Root, T: CaseIterable & RawRepresentable>(_ noun: String, _ keyPath: KeyPath<Root, T?>) -> PolicyShape where T.RawValue == String {
    .word(noun: noun, values: T.allCases.map(\.rawValue))
}

private func words<Root, T: CaseIterable & RawRepresentable>(_ noun: String, _ keyPath: KeyPath<Root, T>) -> PolicyShape where T.RawValue == String {
    .word(noun: noun, values: T.allCases.map(\.rawValue))
}

private func words<Root, T: CaseIterable & RawRepresentable>(_ noun: String, _ keyPath: KeyPath<Root, [T]>) -> PolicyShape where T.RawValue == String {
    .word(noun: noun, values: T.allCases.map(\.rawValue))
}

enum PolicySchema {
    static let window: PolicyShape = .object([.required("from", .string), .required("to", .string)])

    static let calendar: PolicyShape = .object([
        .required("id", .string),
        .required("timeZone", .string),
        .optional("weekly", .object(Weekday.allCases.map { .optional($0.rawValue, .list(window)) })),
        .optional("specialDays", .list(.object([
            .required("date", .string), .optional("name", .string), .optional("windows", .list(window)),
        ]))),
    ])

    static let union: PolicyShape = .object([.required("id", .string), .required("members", .list(.string))])

    static let selection: PolicyShape = .object([
        .required("defaultCalendar", .string), .optional("teams", .dictionary(.string)), .optional("accounts", .dictionary(.string)),
    ])

    static let sla: PolicyShape = .object([
        .optional("businessHours", .boolean),
        .optional("warningBefore", .duration),
        .optional("targets", .list(.object([
            .optional("priority", words("a priority", \SLATarget.priority)),
            .optional("channel", words("a channel", \SLATarget.channel)),
            .optional("tier", .string),
        ] + SLAMetric.allCases.map { .optional($0.rawValue, .duration) }))),
        .optional("escalations", .list(.object([
            .optional("metric", words("an SLA metric", \EscalationRule.metric)),
            .required("trigger", .word(noun: "a trigger", values: ["warning", "breach"])),
            .optional("after", .duration),
            .required("notify", .string),
        ]))),
    ])

    static let returns: PolicyShape = .object([
        .optional("windowDays", .integer),
        .optional("acceptedConditions", .list(words("an item condition", \ReturnPolicy.acceptedConditions))),
        .optional("finalSaleCategories", .list(.string)),
        .optional("regionRules", .list(.object([
            .required("regions", .list(.string)), .required("withdrawalDays", .integer),
            .optional("exemptCategories", .list(.string)), .required("source", .string),
        ]))),
        .optional("refundPromise", .duration),
        .optional("refundPromiseInBusinessHours", .boolean),
        .optional("timeZone", .string),
    ])

    static let empowerment: PolicyShape = .object([
        .required("roles", .list(.object([
            .required("name", .string),
            .optional("limits", .list(.object([
                .required("kind", words("a compensation kind", \CompensationLimit.kind)),
                .optional("maxAmount", .dictionary(.integer)),
                .optional("maxPercentOfOrder", .integer),
                .optional("periodDays", .integer),
                .optional("maxTotalPerPeriod", .dictionary(.integer)),
            ]))),
            .optional("mayApprove", .boolean),
        ]))),
    ])

    static let routing: PolicyShape = .object(
        ["languageWeight", "accountTeamWeight", "tierWeight", "loadWeight"].map { .optional($0, .integer) }
            + [.optional("requireLanguage", .boolean)])

    static let privacy: PolicyShape = .object([
        .optional("retention", .list(.object([
            .required("category", words("a personal-data category", \RetentionRule.category)),
            .required("afterMonths", .integer),
            .required("action", .word(noun: "a privacy action", values: ["delete", "anonymise"])),
        ]))),
        .optional("statutoryRetention", .list(.object([
            .required("category", words("a personal-data category", \StatutoryRetention.category)),
            .required("months", .integer),
            .required("source", .string),
        ]))),
    ])

    static let document: PolicyShape = .object([
        .required("version", .integer),
        .required("calendars", .list(calendar)),
        .optional("unions", .list(union)),
        .required("calendarSelection", selection),
        .optional("sla", sla),
        .optional("returns", returns),
        .optional("empowerment", empowerment),
        .optional("routing", routing),
        .optional("privacy", privacy),
    ])
}

/// Walks a source tree against a shape, reporting every mismatch, missing key, unknown key and
/// repeated key, and recording the position of every path for later lookups.
struct PolicyShapeChecker {
    var diagnostics: [PolicyDiagnostic] = []
    /// Position of every value by its path (`calendars[0].weekly.monday[1].to`).
    var positions: [String: SourcePosition] = [:]
    /// Paths whose value the decodable copy replaces with a placeholder (wrong or missing).
    var replaced: Set<String> = []

    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    private mutating func report(_ position: SourcePosition, _ path: String, _ message: String, replacing: Bool = true) {
        if replacing { replaced.insert(path.isEmpty ? "(root)" : path) }
        diagnostics.append(PolicyDiagnostic(line: position.line, column: position.column, path: path.isEmpty ? "(root)" : path, message: message, severity: .error))
    }

    mutating func check(_ node: SourceNode, against shape: PolicyShape, path: String) {
        positions[path.isEmpty ? "(root)" : path] = node.position
        switch shape {
        case .string, .integer, .boolean, .duration, .word:
            guard case .scalar(let scalar) = node.value else {
                report(node.position, path, "expected \(shape.expectation), found \(node.kindName)")
                return
            }
            checkScalar(scalar, node, shape, path)
        case .list(let element):
            guard case .sequence(let items) = node.value else {
                report(node.position, path, "expected a list, found \(node.kindName)")
                return
            }
            for (i, item) in items.enumerated() { check(item, against: element, path: "\(path)[\(i)]") }
        case .dictionary(let valueShape):
            guard case .mapping(let entries) = node.value else {
                report(node.position, path, "expected a mapping, found \(node.kindName)")
                return
            }
            checkDuplicates(entries, path: path)
            for entry in entries where !entry.ignored { check(entry.value, against: valueShape, path: Self.join(path, entry.key)) }
        case .object(let fields):
            guard case .mapping(let entries) = node.value else {
                report(node.position, path, "expected a mapping, found \(node.kindName)")
                return
            }
            checkDuplicates(entries, path: path)
            let known = fields.map(\.name)
            for entry in entries where !entry.ignored {
                let childPath = Self.join(path, entry.key)
                if let field = fields.first(where: { $0.name == entry.key }) {
                    if entry.value.isNull, !field.required {
                        positions[childPath] = entry.value.position  // null means absent for an optional key
                    } else {
                        check(entry.value, against: field.shape, path: childPath)
                    }
                } else {
                    positions[childPath] = entry.keyPosition
                    report(entry.keyPosition, childPath, Suggestion.unknownKey(entry.key, known: known), replacing: false)
                }
            }
            for field in fields where field.required && !entries.contains(where: { $0.key == field.name }) {
                // An unknown key that is a near miss of the missing one is probably it, misspelt.
                let misspelt = entries.first { entry in
                    !known.contains(entry.key) && Suggestion.isClose(Suggestion.distance(entry.key, field.name), entry.key, field.name)
                }
                let hint = misspelt.map { "; is \"\($0.key)\" at \($0.keyPosition.line):\($0.keyPosition.column) meant to be it?" } ?? ""
                report(node.position, Self.join(path, field.name), "is required" + hint)
            }
        }
    }

    private mutating func checkScalar(_ scalar: SourceScalar, _ node: SourceNode, _ shape: PolicyShape, _ path: String) {
        if scalar.isNull, scalar.jsonKind != nil || shape.isNonString {
            report(node.position, path, "expected \(shape.expectation), found null")
            return
        }
        switch shape {
        case .string:
            if scalar.string == nil { report(node.position, path, "expected a string, found \(node.kindName)") }
        case .integer:
            if scalar.integer == nil { report(node.position, path, "expected an integer, found \(node.kindName)") }
        case .boolean:
            if scalar.boolean == nil { report(node.position, path, "expected true or false, found \(node.kindName)") }
        case .duration:
            if scalar.integer == nil, scalar.string == nil { report(node.position, path, "expected \(shape.expectation), found \(node.kindName)") }
        case .word(let noun, let values):
            guard let text = scalar.string else {
                report(node.position, path, "expected \(noun), found \(node.kindName)")
                return
            }
            if !values.contains(text) { report(node.position, path, Suggestion.unknownWord(text, noun: noun, known: values)) }
        default:
            break
        }
    }

    private mutating func checkDuplicates(_ entries: [SourceEntry], path: String) {
        var first: [String: SourcePosition] = [:]
        for entry in entries where !entry.merged {
            if let earlier = first[entry.key] {
                report(entry.keyPosition, Self.join(path, entry.key), "key \"\(entry.key)\" is repeated (first at \(earlier.line):\(earlier.column))", replacing: false)
            } else {
                first[entry.key] = entry.keyPosition
            }
        }
    }
}

extension PolicyShape {
    /// Whether a YAML null can never be this (Yams reads `~` as the string "~" where a string is asked for).
    var isNonString: Bool {
        switch self {
        case .string, .duration: false
        default: true
        }
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    /// Levenshtein distance, ignoring case.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count), current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The known word closest to `word` (ties: the earlier in `known`).
    static func closest(to word: String, in known: [String]) -> (word: String, distance: Int)? {
        var best: (word: String, distance: Int)?
        for candidate in known {
            let d = distance(word, candidate)
            if best.map({ d < $0.distance }) ?? true { best = (candidate, d) }
        }
        return best
    }

    /// Close enough to be a typo: at most a third of the longer word, and at least 2 edits allowed.
    static func isClose(_ distance: Int, _ a: String, _ b: String) -> Bool {
        distance <= max(2, max(a.count, b.count) / 3)
    }

    static func unknownKey(_ key: String, known: [String]) -> String {
        guard let best = closest(to: key, in: known) else { return "unknown key \"\(key)\" (this mapping takes no keys)" }
        if isClose(best.distance, key, best.word) { return "unknown key \"\(key)\"; did you mean \"\(best.word)\"?" }
        return "unknown key \"\(key)\"; the closest known key is \"\(best.word)\" (known: \(known.joined(separator: ", ")))"
    }

    static func unknownWord(_ word: String, noun: String, known: [String]) -> String {
        let list = known.joined(separator: ", ")
        if let best = closest(to: word, in: known), isClose(best.distance, word, best.word) {
            return "\"\(word)\" is not \(noun); did you mean \"\(best.word)\"? (one of \(list))"
        }
        return "\"\(word)\" is not \(noun) (one of \(list))"
    }
}

// MARK: - A decodable copy

/// Rewrites a source tree as JSON text that the document's decoders accept, whatever is wrong
/// with it: unknown keys and null optional keys are dropped, a repeated key keeps the value
/// its decoder uses (YAML the last, JSON the first), and a value of the wrong type (or a missing required one) becomes a placeholder of the
/// right type. The validator decodes this copy to run the meaning checks on every section, and
/// drops what they say about paths that already have a shape error (the placeholders).
///
/// YAML scalars are converted as Yams' decoder reads them (`Int64.construct` for integers, the
/// text for strings), so the copy decodes to what the YAML would decode to.
enum PolicyNormalizer {
    static func json(_ node: SourceNode?, _ shape: PolicyShape) -> String {
        guard let node else { return placeholder(shape) }
        switch shape {
        case .string, .integer, .boolean, .duration, .word:
            guard case .scalar(let s) = node.value, !(s.isNull && (s.jsonKind != nil || shape.isNonString)) else { return placeholder(shape) }
            switch shape {
            case .string: return s.string.map(quote) ?? placeholder(shape)
            case .integer: return s.integer.map(String.init) ?? placeholder(shape)
            case .boolean: return s.boolean.map { $0 ? "true" : "false" } ?? placeholder(shape)
            case .duration: return s.integer.map(String.init) ?? s.string.map(quote) ?? placeholder(shape)
            case .word(_, let values):
                guard let text = s.string, values.contains(text) else { return placeholder(shape) }
                return quote(text)
            default: return placeholder(shape)
            }
        case .list(let element):
            guard case .sequence(let items) = node.value else { return placeholder(shape) }
            return "[" + items.map { json($0, element) }.joined(separator: ",") + "]"
        case .dictionary(let valueShape):
            guard case .mapping(let entries) = node.value else { return placeholder(shape) }
            let members = entries.filter { !$0.ignored }.map { quote($0.key) + ":" + json($0.value, valueShape) }
            return "{" + members.joined(separator: ",") + "}"
        case .object(let fields):
            guard case .mapping = node.value else { return placeholder(shape) }
            var members: [String] = []
            for field in fields {
                let value = node[field.name]
                if value == nil || value?.isNull == true, !field.required { continue }
                members.append(quote(field.name) + ":" + json(value, field.shape))
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    static func placeholder(_ shape: PolicyShape) -> String {
        switch shape {
        case .string: "\"\""
        case .integer: "0"
        case .boolean: "false"
        case .duration: "\"1h\""
        case .word(_, let values): quote(values.first ?? "")
        case .list: "[]"
        case .dictionary: "{}"
        case .object(let fields):
            "{" + fields.filter(\.required).map { quote($0.name) + ":" + placeholder($0.shape) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
