import Foundation

/// A value passed to a message.
public enum MessageArgument: Hashable, Sendable {
    /// Text, or a select keyword.
    case text(String)
    /// A whole number.
    case integer(Int)
    /// A decimal number as text, so visible fraction digits count for plurals (`"1.50"`).
    case decimal(String)
    /// An instant; formatted in the time zone given to ``MessageFormat/format(_:locale:timeZone:)``.
    case date(Date)
    /// Money in minor units (cents, öre) of an ISO 4217 currency.
    case money(minorUnits: Int64, currency: String)
}

/// Why a pattern could not be parsed or formatted. Offsets count Characters from the pattern's start.
public enum MessageFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pattern ended inside an argument or a quoted literal.
    case unexpectedEnd(offset: Int)
    /// A `}` with no matching `{`, or a character that does not belong at `offset`.
    case unexpectedCharacter(Character, offset: Int)
    /// `{}` or `{ , …}`: an argument needs a name.
    case missingArgumentName(offset: Int)
    /// An argument type other than number, date, time, plural, selectordinal, select.
    case unknownArgumentType(String, offset: Int)
    /// A plural or select without the required `other` case.
    case missingOther(offset: Int)
    /// Arguments nested deeper than 32 levels.
    case nestingTooDeep(offset: Int)
    /// The message names an argument the caller did not pass.
    case missingArgument(String)
    /// The argument's value does not fit its use (a date for a plural, say).
    case wrongArgumentType(String, expected: String)

    public var description: String {
        switch self {
        case .unexpectedEnd(let offset): "pattern ends unexpectedly at \(offset)"
        case .unexpectedCharacter(let c, let offset): "unexpected \"\(c)\" at \(offset)"
        case .missingArgumentName(let offset): "argument without a name at \(offset)"
        case .unknownArgumentType(let type, let offset): "unknown argument type \"\(type)\" at \(offset)"
        case .missingOther(let offset): "plural or select at \(offset) has no \"other\" case"
        case .nestingTooDeep(let offset): "arguments nested too deeply at \(offset)"
        case .missingArgument(let name): "no value for argument \"\(name)\""
        case .wrongArgumentType(let name, let expected): "argument \"\(name)\" must be \(expected)"
        }
    }
}

/// An ICU MessageFormat pattern, parsed once and formatted many times.
///
/// Supported: `{name}`, `{n, plural, offset:1 =0 {…} one {…} other {…}}` with
/// `#`, `{n, selectordinal, …}`, `{x, select, …}`, `{n, number}`,
/// `{n, number, integer|percent|currency}`, `{d, date, short|medium|long|full}`,
/// `{d, time, short|medium}`, and ICU apostrophe quoting (`''` is an
/// apostrophe; `'{'` quotes syntax characters). Plural categories come from
/// ``PluralRules`` (CLDR); numbers, money and dates from Foundation's
/// formatters for the locale, with dates in the given time zone.
public struct MessageFormat: Hashable, Sendable {
    indirect enum Node: Hashable, Sendable {
        case text(String)
        case argument(String)
        case number(String, style: String?)
        case date(String, style: String, time: Bool)
        case plural(String, offset: Int, ordinal: Bool, cases: [String: [Node]])
        case select(String, cases: [String: [Node]])
        case pound
    }

    /// The pattern as written.
    public let pattern: String
    let nodes: [Node]

    /// Parses a pattern.
    ///
    /// - Throws: ``MessageFormatError`` with the offset of the problem.
    public init(_ pattern: String) throws(MessageFormatError) {
        self.pattern = pattern
        var parser = Parser(Array(pattern))
        nodes = try parser.parseMessage(depth: 0, inPlural: false)
        if parser.index < parser.characters.count {
            throw .unexpectedCharacter(parser.characters[parser.index], offset: parser.index)
        }
    }

    /// Every argument name the pattern reads, including those inside plural and select cases.
    ///
    /// A caller passing a value for each of these names never meets
    /// ``MessageFormatError/missingArgument(_:)``; translations of one message should agree on this set.
    public var argumentNames: Set<String> {
        var names: Set<String> = []
        func collect(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text, .pound: break
                case .argument(let name), .number(let name, _), .date(let name, _, _): names.insert(name)
                case .plural(let name, _, _, let cases), .select(let name, let cases):
                    names.insert(name)
                    for body in cases.values { collect(body) }
                }
            }
        }
        collect(nodes)
        return names
    }

    /// The message for `arguments` in `locale` (BCP 47) and `timeZone`.
    ///
    /// - Throws: ``MessageFormatError/missingArgument(_:)`` or ``MessageFormatError/wrongArgumentType(_:expected:)``.
    public func format(_ arguments: [String: MessageArgument], locale: String, timeZone: TimeZone) throws(MessageFormatError)
        -> String
    {
        var context = Context(locale: locale, timeZone: timeZone)
        var output = ""
        try Self.render(nodes, arguments, &context, pound: nil, into: &output)
        return output
    }

    struct Context {
        let locale: String
        let foundationLocale: Locale
        let timeZone: TimeZone
        init(locale: String, timeZone: TimeZone) {
            self.locale = locale
            foundationLocale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
            self.timeZone = timeZone
        }
    }

    private static func render(
        _ nodes: [Node], _ arguments: [String: MessageArgument], _ context: inout Context, pound: String?,
        into output: inout String
    ) throws(MessageFormatError) {
        for node in nodes {
            switch node {
            case .text(let text): output += text
            case .pound: output += pound ?? "#"
            case .argument(let name):
                guard let value = arguments[name] else { throw .missingArgument(name) }
                switch value {
                case .text(let text): output += text
                case .integer(let n): output += formatNumber(Decimal(n), style: nil, context)
                case .decimal(let text): output += formatNumber(Decimal(string: text) ?? 0, style: nil, context)
                case .date(let date): output += formatDate(date, style: "short", time: false, context)
                case .money(let minor, let currency): output += formatMoney(minor, currency, context)
                }
            case .number(let name, let style):
                guard let value = arguments[name] else { throw .missingArgument(name) }
                switch value {
                case .integer(let n): output += formatNumber(Decimal(n), style: style, context)
                case .decimal(let text): output += formatNumber(Decimal(string: text) ?? 0, style: style, context)
                case .money(let minor, let currency): output += formatMoney(minor, currency, context)
                default: throw .wrongArgumentType(name, expected: "a number")
                }
            case .date(let name, let style, let time):
                guard let value = arguments[name] else { throw .missingArgument(name) }
                guard case .date(let date) = value else { throw .wrongArgumentType(name, expected: "a date") }
                output += formatDate(date, style: style, time: time, context)
            case .plural(let name, let offset, let ordinal, let cases):
                guard let value = arguments[name] else { throw .missingArgument(name) }
                let text: String
                switch value {
                case .integer(let n): text = String(n)
                case .decimal(let d): text = d
                default: throw .wrongArgumentType(name, expected: "a number")
                }
                let shifted = (Decimal(string: text) ?? 0) - Decimal(offset)
                let shiftedText = "\(shifted)"
                var chosen = cases["=" + text.trimmingLeadingPlus()]
                if chosen == nil {
                    let operands = PluralOperands(offset == 0 ? text : shiftedText) ?? PluralOperands(0)
                    let category = PluralRules.category(for: operands, locale: context.locale, kind: ordinal ? .ordinal : .cardinal)
                    chosen = cases[category.rawValue] ?? cases["other"]
                }
                try render(chosen ?? [], arguments, &context, pound: formatNumber(shifted, style: nil, context), into: &output)
            case .select(let name, let cases):
                guard let value = arguments[name] else { throw .missingArgument(name) }
                let key: String
                switch value {
                case .text(let text): key = text
                case .integer(let n): key = String(n)
                default: throw .wrongArgumentType(name, expected: "a keyword")
                }
                try render(cases[key] ?? cases["other"] ?? [], arguments, &context, pound: pound, into: &output)
            }
        }
    }

    private static func formatNumber(_ value: Decimal, style: String?, _ context: Context) -> String {
        let formatter = NumberFormatter()
        formatter.locale = context.foundationLocale
        switch style {
        case "integer":
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 0
        case "percent": formatter.numberStyle = .percent
        default:
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 6
        }
        return formatter.string(from: value as NSDecimalNumber) ?? "\(value)"
    }

    /// How many fraction digits the formatter writes for its currency: counted in its rendering of 1.
    private static func currencyDigits(_ formatter: NumberFormatter) -> Int {
        guard let probe = formatter.string(from: 1) else { return 2 }
        let separator = formatter.currencyDecimalSeparator ?? formatter.decimalSeparator ?? "."
        guard !separator.isEmpty, let range = probe.range(of: separator, options: .backwards) else { return 0 }
        return probe[range.upperBound...].prefix { $0.isNumber }.count
    }

    private static func formatMoney(_ minorUnits: Int64, _ currency: String, _ context: Context) -> String {
        let formatter = NumberFormatter()
        formatter.locale = context.foundationLocale
        formatter.numberStyle = .currency
        formatter.currencyCode = currency
        // The currency's minor-unit digits (ISO 4217: 0 for JPY, 3 for BHD) as ICU formats them:
        // Foundation's `maximumFractionDigits` reports 2 for every currency on Linux.
        let digits = currencyDigits(formatter)
        var divisor = Decimal(1)
        for _ in 0..<digits { divisor *= 10 }
        return formatter.string(from: (Decimal(minorUnits) / divisor) as NSDecimalNumber) ?? "\(minorUnits) \(currency)"
    }

    private static func formatDate(_ date: Date, style: String, time: Bool, _ context: Context) -> String {
        let formatter = DateFormatter()
        formatter.locale = context.foundationLocale
        formatter.timeZone = context.timeZone
        let dateStyle: DateFormatter.Style =
            switch style {
            case "medium": .medium
            case "long": .long
            case "full": .full
            default: .short
            }
        if time {
            formatter.timeStyle = dateStyle
            formatter.dateStyle = .none
        } else {
            formatter.dateStyle = dateStyle
            formatter.timeStyle = .none
        }
        return formatter.string(from: date)
    }
}

extension String {
    fileprivate func trimmingLeadingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : self }
}
