import Foundation

/// Reads the customers file a desk imports from the shop: a JSON array with one object per
/// customer, its contact points, preferences, orders and returns.
///
/// ```json
/// [{"id": "c-1", "name": "Anna Berg", "emails": ["anna@example.se"], "phones": ["070-123 45 67"],
///   "handles": [{"platform": "instagram", "handle": "@anna.berg"}],
///   "language": "sv-SE", "timeZone": "Europe/Stockholm", "register": "informal", "country": "SE",
///   "orders": [{"id": "1001", "placedAt": "2026-03-01T10:00:00+01:00", "total": "39.90",
///               "currency": "SEK", "status": "delivered", "deliveredAt": "2026-03-03T12:00:00Z"}],
///   "returns": [{"id": "r-1", "order": "1001", "requestedAt": "2026-03-05T09:00:00Z",
///                "condition": "unopened", "status": "requested"}]}]
/// ```
///
/// `id` and `name` are required; everything else is optional (`null`, and `""` in an optional
/// text field, count as absent).
/// Contact points are normalised (``ContactPoint``) and duplicates removed, e-mails first,
/// then phones, then handles. A `total` is a decimal string (`"39.90"`) or a JSON number
/// (`39.9`), converted to minor units exactly: never through binary floating point.
/// The ``CommerceSummary`` counts are derived from the orders and returns:
/// - `orderCount`, `returnCount`: how many there are;
/// - `lastOrderAt`: the latest `placedAt`;
/// - `spentMinorUnits`: totals per currency, of every order but cancelled ones;
/// - `openOrderIDs`: the orders whose status is not delivered, cancelled, returned or refunded
///   (``CustomerOrder/isOpen``), in file order;
/// - `refundCount`: returns with status `refunded`, plus orders with status `refunded` that no
///   return names.
///
/// A pure parser: it reads no store and resolves no identities.
public enum CustomerFile {
    /// Parses the JSON array. Returns one result per array element, in order (an element's
    /// error does not stop the others).
    ///
    /// An element whose `id` an earlier element already used fails with
    /// ``CustomerFileError/Problem/duplicateID(_:)``, whether or not the earlier one was valid.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8 JSON).
    ///   - defaultRegion: the ISO 3166 region national phone numbers are read in (`"SE"`).
    /// - Throws: ``CustomerFileError`` with a `nil` entry when the file is not JSON or not an array.
    public static func read(_ data: Data, defaultRegion: String? = nil) throws(CustomerFileError)
        -> [Result<Customer, CustomerFileError>]
    {
        let root: IntakeJSON
        switch IntakeJSON.parse(data) {
        case .success(let value): root = value
        case .failure(let error): throw CustomerFileError(entry: nil, id: nil, problem: .notJSON(error.reason))
        }
        guard case .array(let elements) = root else {
            throw CustomerFileError(entry: nil, id: nil, problem: .notAnArray)
        }
        var results: [Result<Customer, CustomerFileError>] = []
        results.reserveCapacity(elements.count)
        var seenIDs: Set<String> = []
        for (index, element) in elements.enumerated() {
            var entryID: String?
            do throws(CustomerFileError.Problem) {
                guard case .object(let object) = element else { throw .notAnObject }
                let fields = IntakeFields(object)
                let id = try fields.nonEmptyString("id")
                entryID = id
                guard seenIDs.insert(id).inserted else { throw .duplicateID(id) }
                results.append(.success(try customer(id: id, fields, defaultRegion: defaultRegion)))
            } catch {
                results.append(.failure(CustomerFileError(entry: index, id: entryID, problem: error)))
            }
        }
        return results
    }

    // MARK: One entry

    private static func customer(id: String, _ fields: IntakeFields, defaultRegion: String?)
        throws(CustomerFileError.Problem) -> Customer
    {
        let name = try fields.nonEmptyString("name")
        var points: [ContactPoint] = []
        var seenPoints: Set<ContactPoint> = []
        func add(_ point: ContactPoint) {
            if seenPoints.insert(point).inserted { points.append(point) }
        }
        for (position, value) in try fields.array("emails").enumerated() {
            let field = "emails[\(position)]"
            let address = try string(value, field: field)
            do { add(try ContactPoint.email(address)) } catch {
                throw .badContactPoint(field: field, value: address, error: error)
            }
        }
        for (position, value) in try fields.array("phones").enumerated() {
            let field = "phones[\(position)]"
            let number = try string(value, field: field)
            do { add(try ContactPoint.phone(number, defaultRegion: defaultRegion)) } catch {
                throw .badContactPoint(field: field, value: number, error: error)
            }
        }
        for (position, value) in try fields.array("handles").enumerated() {
            let field = "handles[\(position)]"
            guard case .object(let object) = value else {
                throw .wrongType(field: field, expected: "an object with \"platform\" and \"handle\"")
            }
            let handleFields = IntakeFields(object, path: field + ".")
            let platform = try handleFields.requiredString("platform")
            let handle = try handleFields.requiredString("handle")
            do { add(try ContactPoint.handle(handle, platform: platform)) } catch {
                throw .badContactPoint(field: field, value: handle, error: error)
            }
        }

        let language = try fields.optionalString("language")
        if let language, !LanguageTagSyntax.isValid(language) { throw .badLanguage(language) }
        let timeZone = try fields.optionalString("timeZone")
        if let timeZone, TimeZone(identifier: timeZone) == nil { throw .badTimeZone(timeZone) }
        var register: AddressRegister?
        if let registerName = try fields.optionalString("register") {
            guard let value = AddressRegister(rawValue: registerName) else { throw .badRegister(registerName) }
            register = value
        }
        let tier = try fields.optionalString("tier").map { CustomerTier(rawValue: $0) } ?? .standard
        var country: String?
        if let code = try fields.optionalString("country") {
            guard code.utf8.count == 2, code.unicodeScalars.allSatisfy(\.isASCIILetter) else {
                throw .badCountry(code)
            }
            country = code.uppercased()
        }

        var orders: [CustomerOrder] = []
        var orderIDs: Set<String> = []
        for (position, value) in try fields.array("orders").enumerated() {
            let order = try Self.order(value, field: "orders[\(position)]")
            guard orderIDs.insert(order.id).inserted else { throw .duplicateOrder(order.id) }
            orders.append(order)
        }
        var returns: [CustomerReturn] = []
        var returnIDs: Set<String> = []
        for (position, value) in try fields.array("returns").enumerated() {
            let field = "returns[\(position)]"
            let item = try Self.return(value, field: field)
            guard returnIDs.insert(item.id).inserted else { throw .duplicateReturn(item.id) }
            guard orderIDs.contains(item.order) else { throw .unknownOrder(field: field + ".order", order: item.order) }
            returns.append(item)
        }

        return Customer(
            id: PartyID(id),
            profile: PartyProfile(
                displayName: name, contactPoints: points, preferredLanguage: language,
                timeZoneIdentifier: timeZone, tier: tier,
                commerce: try summary(orders: orders, returns: returns), register: register, country: country))
    }

    private static func order(_ value: IntakeJSON, field: String) throws(CustomerFileError.Problem) -> CustomerOrder {
        guard case .object(let object) = value else { throw .wrongType(field: field, expected: "an object") }
        let fields = IntakeFields(object, path: field + ".")
        let id = try fields.nonEmptyString("id")
        let placedAt = try fields.time("placedAt")
        guard let totalValue = fields.value("total") else { throw .missingField(field + ".total") }
        let currencyText = try fields.requiredString("currency")
        guard currencyText.utf8.count == 3, currencyText.unicodeScalars.allSatisfy(\.isASCIILetter) else {
            throw .badCurrency(field: field + ".currency", value: currencyText)
        }
        let currency = currencyText.uppercased()
        let total = try MinorUnits.parse(totalValue, currency: currency, field: field + ".total")
        return CustomerOrder(
            id: id, placedAt: placedAt, totalMinorUnits: total, currency: currency,
            status: try fields.nonEmptyString("status"), deliveredAt: try fields.optionalTime("deliveredAt"),
            category: try fields.optionalString("category"))
    }

    private static func `return`(_ value: IntakeJSON, field: String) throws(CustomerFileError.Problem) -> CustomerReturn {
        guard case .object(let object) = value else { throw .wrongType(field: field, expected: "an object") }
        let fields = IntakeFields(object, path: field + ".")
        return CustomerReturn(
            id: try fields.nonEmptyString("id"), order: try fields.nonEmptyString("order"),
            requestedAt: try fields.time("requestedAt"), condition: try fields.nonEmptyString("condition"),
            category: try fields.optionalString("category"), status: try fields.nonEmptyString("status"),
            receivedAt: try fields.optionalTime("receivedAt"))
    }

    private static func summary(orders: [CustomerOrder], returns: [CustomerReturn])
        throws(CustomerFileError.Problem) -> CommerceSummary
    {
        var spent: [String: Int64] = [:]
        for (position, order) in orders.enumerated()
        where !["cancelled", "canceled"].contains(order.status.lowercased()) {
            let (sum, overflow) = spent[order.currency, default: 0].addingReportingOverflow(order.totalMinorUnits)
            guard !overflow else {
                throw .badAmount(
                    field: "orders[\(position)].total", value: String(order.totalMinorUnits),
                    reason: "the \(order.currency) totals add up to more than a 64-bit count of minor units")
            }
            spent[order.currency] = sum
        }
        let returned = Set(returns.map(\.order))
        let refunds =
            returns.count(where: { $0.status.lowercased() == "refunded" })
            + orders.count(where: { $0.status.lowercased() == "refunded" && !returned.contains($0.id) })
        return CommerceSummary(
            orderCount: orders.count, spentMinorUnits: spent, lastOrderAt: orders.map(\.placedAt).max(),
            returnCount: returns.count, refundCount: refunds,
            openOrderIDs: orders.filter(\.isOpen).map(\.id), orders: orders, returns: returns)
    }

    private static func string(_ value: IntakeJSON, field: String) throws(CustomerFileError.Problem) -> String {
        guard case .string(let text) = value else { throw .wrongType(field: field, expected: "a string") }
        return text
    }
}

/// Why the customers file, or one entry of it, was rejected.
public struct CustomerFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 0-based index of the array element at fault; `nil` when the whole file is.
    public var entry: Int?
    /// The entry's `id`, when it had a readable one.
    public var id: String?
    /// What is wrong.
    public var problem: Problem

    /// An error about `entry` (or the whole file when `nil`).
    public init(entry: Int?, id: String?, problem: Problem) {
        self.entry = entry
        self.id = id
        self.problem = problem
    }

    /// What is wrong with the file or an entry. Field names are paths into the entry:
    /// `"phones[1]"`, `"orders[0].total"`. (An `Error` too, so the reader can throw it from
    /// its helpers; callers receive it inside a ``CustomerFileError``.)
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file is not JSON (or not UTF-8); the text says where it stopped making sense.
        case notJSON(String)
        /// The file's top level is not an array.
        case notAnArray
        /// The array element is not an object.
        case notAnObject
        /// A required field is absent (or `null`).
        case missingField(String)
        /// A field has the wrong JSON type, or is an empty string where text is required.
        case wrongType(field: String, expected: String)
        /// An e-mail, phone number or handle is not valid; `value` is what the file said.
        case badContactPoint(field: String, value: String, error: ContactPointError)
        /// `language` is not a BCP 47 tag.
        case badLanguage(String)
        /// `timeZone` is not an IANA time zone this system knows.
        case badTimeZone(String)
        /// `register` is neither `formal` nor `informal`.
        case badRegister(String)
        /// `country` is not two ASCII letters (ISO 3166-1 alpha-2).
        case badCountry(String)
        /// A time is not RFC 3339 with a time zone, or names an impossible date.
        case badTime(field: String, value: String)
        /// An order total is not a non-negative decimal amount in its currency's minor digits.
        case badAmount(field: String, value: String, reason: String)
        /// A currency is not three ASCII letters (ISO 4217).
        case badCurrency(field: String, value: String)
        /// A return names an order the same entry does not list.
        case unknownOrder(field: String, order: String)
        /// Two orders of the entry have the same id.
        case duplicateOrder(String)
        /// Two returns of the entry have the same id.
        case duplicateReturn(String)
        /// An earlier entry of the file has the same customer id.
        case duplicateID(String)

        /// What is wrong, in words a person can act on.
        public var description: String {
            switch self {
            case .notJSON(let reason): "not JSON: \(reason)"
            case .notAnArray: "the file must be a JSON array of customer objects"
            case .notAnObject: "not a JSON object"
            case .missingField(let field): "missing field \"\(field)\""
            case .wrongType(let field, let expected): "field \"\(field)\" must be \(expected)"
            case .badContactPoint(let field, _, let error): "\(field): \(error.description)"
            case .badLanguage(let tag): "language \"\(tag)\" is not a BCP 47 tag (\"sv-SE\")"
            case .badTimeZone(let zone): "time zone \"\(zone)\" is not a known IANA zone (\"Europe/Stockholm\")"
            case .badRegister(let value): "register \"\(value)\" must be \"formal\" or \"informal\""
            case .badCountry(let value): "country \"\(value)\" must be an ISO 3166-1 alpha-2 code (\"SE\")"
            case .badTime(let field, let value):
                "\(field): \"\(value)\" is not an RFC 3339 time with a time zone (\"2026-03-28T22:30:00Z\")"
            case .badAmount(let field, let value, let reason): "\(field): amount \"\(value)\" \(reason)"
            case .badCurrency(let field, let value): "\(field): \"\(value)\" is not an ISO 4217 code (\"SEK\")"
            case .unknownOrder(let field, let order): "\(field): order \"\(order)\" is not among this customer's orders"
            case .duplicateOrder(let id): "order id \"\(id)\" appears twice in this customer's orders"
            case .duplicateReturn(let id): "return id \"\(id)\" appears twice in this customer's returns"
            case .duplicateID(let id): "customer id \"\(id)\" was already used by an earlier entry"
            }
        }
    }

    /// `entry 3 (id "c-17"): missing field "name"`, or `file: …` for the whole file.
    public var description: String {
        guard let entry else { return "file: \(problem)" }
        if let id { return "entry \(entry) (id \"\(id)\"): \(problem)" }
        return "entry \(entry): \(problem)"
    }
}

// MARK: - Order totals

/// ISO 4217 minor digits and exact conversion of totals to minor units.
private enum MinorUnits {
    /// The digits after the decimal point that `currency` has (ISO 4217).
    static func digits(_ currency: String) -> Int { ISO4217.minorUnitDigits(of: currency) }

    /// The total in minor units. A string must be plain digits with an optional decimal point
    /// and at most the currency's minor digits (`"39.90"`, `"1200"`); a JSON number may also
    /// have an exponent, and trailing zeros after its point do not count (`1200.0` is a valid
    /// JPY amount: as a number it is the value 1200).
    static func parse(_ value: IntakeJSON, currency: String, field: String) throws(CustomerFileError.Problem) -> Int64 {
        let text: String
        let whole: [UInt8]
        var fraction: [UInt8]
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        switch value {
        case .string(let string):
            text = string
            let bytes = Array(string.utf8)
            guard !bytes.isEmpty else { throw .badAmount(field: field, value: text, reason: "is empty") }
            if bytes.first == UInt8(ascii: "-") { throw .badAmount(field: field, value: text, reason: "is negative") }
            let point = bytes.firstIndex(of: UInt8(ascii: "."))
            whole = Array(bytes[..<(point ?? bytes.endIndex)])
            fraction = point.map { Array(bytes[($0 + 1)...]) } ?? []
            guard !whole.isEmpty, whole.allSatisfy(isDigit), point == nil || !fraction.isEmpty, fraction.allSatisfy(isDigit)
            else {
                throw .badAmount(field: field, value: text, reason: "must be digits with an optional decimal point (\"39.90\")")
            }
        case .number(let literal):
            text = literal
            guard let plain = plainDigits(literal) else {
                throw .badAmount(field: field, value: text, reason: "is out of range")
            }
            if plain.negative, (plain.whole + plain.fraction).contains(where: { $0 != UInt8(ascii: "0") }) {
                throw .badAmount(field: field, value: text, reason: "is negative")
            }
            whole = plain.whole
            fraction = plain.fraction
            while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        default:
            throw .wrongType(field: field, expected: "a decimal string (\"39.90\") or a number")
        }
        let allowed = digits(currency)
        guard fraction.count <= allowed else {
            throw .badAmount(
                field: field, value: text,
                reason: "has \(fraction.count) decimal\(fraction.count == 1 ? "" : "s"); \(currency) allows \(allowed)")
        }
        var result: Int64 = 0
        for byte in whole + fraction + Array(repeating: UInt8(ascii: "0"), count: allowed - fraction.count) {
            let (times10, o1) = result.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(byte - 0x30))
            guard !o1, !o2 else { throw .badAmount(field: field, value: text, reason: "is too large") }
            result = sum
        }
        return result
    }

    /// A JSON number literal (already valid by the JSON grammar) in positional notation: its
    /// sign, integer digits and fraction digits, exactly. `nil` when the exponent is beyond
    /// ±1000 (no amount is that large or that precise).
    static func plainDigits(_ literal: String) -> (negative: Bool, whole: [UInt8], fraction: [UInt8])? {
        var bytes = Array(literal.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes.removeFirst() }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            var digits = bytes[(e + 1)...]
            let negativeExponent = digits.first == UInt8(ascii: "-")
            if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
            for byte in digits {
                exponent = exponent * 10 + Int(byte - 0x30)
                if exponent > 1000 { return nil }
            }
            if negativeExponent { exponent = -exponent }
            bytes.removeSubrange(e...)
        }
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let integerDigits = Array(bytes[..<(point ?? bytes.endIndex)])
        let digits = integerDigits + (point.map { Array(bytes[($0 + 1)...]) } ?? [])
        let pointAt = integerDigits.count + exponent
        var whole: [UInt8]
        var fraction: [UInt8]
        if pointAt <= 0 {
            whole = [UInt8(ascii: "0")]
            fraction = Array(repeating: UInt8(ascii: "0"), count: -pointAt) + digits
        } else if pointAt >= digits.count {
            whole = digits + Array(repeating: UInt8(ascii: "0"), count: pointAt - digits.count)
            fraction = []
        } else {
            whole = Array(digits[..<pointAt])
            fraction = Array(digits[pointAt...])
        }
        while whole.count > 1, whole.first == UInt8(ascii: "0") { whole.removeFirst() }
        return (negative, whole, fraction)
    }
}

// MARK: - Shared by the intake readers (package access)

/// A JSON value as the intake readers (``CustomerFile``, the channel event reader) see it.
///
/// Parsed by a small strict RFC 8259 parser over the bytes rather than by `JSONDecoder`:
/// numbers keep their literal text (so amounts never pass through binary floating point), a key
/// given twice in one object is rejected rather than silently resolved, nesting is capped, and
/// errors say where the text stopped making sense.
package indirect enum IntakeJSON: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its literal text (`"39.90"`, `"-1e3"`), validated against the JSON grammar.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([IntakeJSON])
    /// An object.
    case object([String: IntakeJSON])

    /// The deepest nesting of arrays and objects accepted. The intake formats need four levels;
    /// the limit keeps hostile input from exhausting the stack of the recursive parser.
    package static let maximumDepth = 32

    /// Why text is not JSON, in words a person can read (`unexpected "}" at column 14`).
    package struct ParseError: Error, Hashable, Sendable {
        /// The reason, with the position.
        package var reason: String
    }

    /// Parses one JSON value (surrounded by optional whitespace) from UTF-8 text.
    package static func parse(_ data: Data) -> Result<IntakeJSON, ParseError> { parse([UInt8](data)) }

    /// Parses one JSON value (surrounded by optional whitespace) from UTF-8 bytes.
    package static func parse(_ bytes: [UInt8]) -> Result<IntakeJSON, ParseError> {
        guard String(validating: bytes, as: UTF8.self) != nil else { return .failure(ParseError(reason: "invalid UTF-8")) }
        var parser = Parser(bytes: bytes)
        do throws(Parser.Failure) {
            parser.skipWhitespace()
            let value = try parser.value(depth: 1)
            parser.skipWhitespace()
            guard parser.position == bytes.count else { throw parser.failure("text after the JSON value") }
            return .success(value)
        } catch {
            return .failure(ParseError(reason: parser.describe(error)))
        }
    }

    /// A recursive-descent parser over UTF-8 bytes (already validated as UTF-8).
    private struct Parser {
        struct Failure: Error {
            var message: String
            var offset: Int
        }

        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ message: String, at offset: Int? = nil) -> Failure {
            Failure(message: message, offset: offset ?? position)
        }

        /// `message at line L, column C` (column in Unicode scalars; no line when the text is one line).
        func describe(_ failure: Failure) -> String {
            let offset = min(failure.offset, bytes.count)
            var line = 1
            var column = 1
            for byte in bytes[..<offset] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            let multiline = bytes.contains(UInt8(ascii: "\n"))
            return multiline ? "\(failure.message) at line \(line), column \(column)" : "\(failure.message) at column \(column)"
        }

        func unexpected() -> Failure {
            guard position < bytes.count else { return failure("unexpected end of input") }
            let byte = bytes[position]
            if (0x21...0x7E).contains(byte) { return failure("unexpected \"\(Character(Unicode.Scalar(byte)))\"") }
            return failure(String(format: "unexpected byte 0x%02X", byte))
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> IntakeJSON {
            guard position < bytes.count else { throw unexpected() }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw unexpected()
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let start = position
            let expected = word.withUTF8Buffer { Array($0) }
            guard bytes.count - position >= expected.count, bytes[position..<(position + expected.count)].elementsEqual(expected)
            else { throw failure("invalid literal (expected \"\(word)\")", at: start) }
            position += expected.count
        }

        mutating func object(depth: Int) throws(Failure) -> IntakeJSON {
            guard depth <= IntakeJSON.maximumDepth else { throw failure("nested deeper than \(IntakeJSON.maximumDepth) levels") }
            position += 1  // {
            var members: [String: IntakeJSON] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw position < bytes.count ? failure("expected a quoted key") : unexpected()
                }
                let keyStart = position
                let key = try string()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw position < bytes.count ? failure("expected \":\" after a key") : unexpected()
                }
                position += 1
                skipWhitespace()
                let member = try value(depth: depth + 1)
                guard members.updateValue(member, forKey: key) == nil else {
                    throw failure("key \"\(key)\" appears twice in one object", at: keyStart)
                }
                skipWhitespace()
                guard position < bytes.count else { throw unexpected() }
                switch bytes[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return .object(members)
                default: throw failure("expected \",\" or \"}\"")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> IntakeJSON {
            guard depth <= IntakeJSON.maximumDepth else { throw failure("nested deeper than \(IntakeJSON.maximumDepth) levels") }
            position += 1  // [
            var elements: [IntakeJSON] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw unexpected() }
                switch bytes[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return .array(elements)
                default: throw failure("expected \",\" or \"]\"")
                }
            }
        }

        mutating func string() throws(Failure) -> String {
            let start = position
            position += 1  // "
            var scalars = String.UnicodeScalarView()
            var runStart = position
            func flush(_ end: Int) {
                if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            }
            while true {
                guard position < bytes.count else { throw failure("unterminated string", at: start) }
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    flush(position)
                    position += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush(position)
                    let escape = position
                    position += 1
                    guard position < bytes.count else { throw failure("unterminated string", at: start) }
                    let code = bytes[position]
                    position += 1
                    switch code {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        let unit = try hex4(escape)
                        var scalar: Unicode.Scalar?
                        if (0xD800...0xDBFF).contains(unit) {
                            // A high surrogate must be followed by an escaped low surrogate.
                            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                                position += 2
                                let low = try hex4(escape)
                                if (0xDC00...0xDFFF).contains(low) {
                                    scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                                }
                            }
                        } else {
                            scalar = Unicode.Scalar(unit)
                        }
                        guard let scalar else { throw failure("unpaired surrogate in \\u escape", at: escape) }
                        scalars.append(scalar)
                    default: throw failure("invalid escape", at: escape)
                    }
                    runStart = position
                case 0x00..<0x20:
                    throw failure("unescaped control character in a string")
                default:
                    position += 1
                }
            }
        }

        mutating func hex4(_ escape: Int) throws(Failure) -> UInt32 {
            guard bytes.count - position >= 4 else { throw failure("invalid \\u escape", at: escape) }
            var value: UInt32 = 0
            for byte in bytes[position..<(position + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("invalid \\u escape", at: escape)
                }
                value = value << 4 | UInt32(digit)
            }
            position += 4
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`, returned as written.
        mutating func number() throws(Failure) -> String {
            let start = position
            func isDigit(_ index: Int) -> Bool {
                index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw failure("invalid number", at: start) }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if isDigit(position) { throw failure("number with a leading zero", at: start) }
            } else {
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard isDigit(position) else { throw failure("invalid number", at: start) }
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard isDigit(position) else { throw failure("invalid number", at: start) }
                while isDigit(position) { position += 1 }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
    }
}

/// Typed access to an object's fields for the customers file, with errors naming the field's path.
private struct IntakeFields {
    let object: [String: IntakeJSON]
    let path: String

    init(_ object: [String: IntakeJSON], path: String = "") {
        self.object = object
        self.path = path
    }

    /// The value, or `nil` when absent or `null`.
    func value(_ key: String) -> IntakeJSON? {
        switch object[key] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    func string(_ key: String) throws(CustomerFileError.Problem) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw .wrongType(field: path + key, expected: "a string") }
        return text
    }

    /// An optional text field: `nil` when absent, `null` or `""`.
    func optionalString(_ key: String) throws(CustomerFileError.Problem) -> String? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        return text
    }

    func requiredString(_ key: String) throws(CustomerFileError.Problem) -> String {
        guard let text = try string(key) else { throw .missingField(path + key) }
        return text
    }

    func nonEmptyString(_ key: String) throws(CustomerFileError.Problem) -> String {
        let text = try requiredString(key)
        guard !text.trimmingASCIIWhitespace().isEmpty else {
            throw .wrongType(field: path + key, expected: "a non-empty string")
        }
        return text
    }

    func array(_ key: String) throws(CustomerFileError.Problem) -> [IntakeJSON] {
        guard let value = value(key) else { return [] }
        guard case .array(let elements) = value else { throw .wrongType(field: path + key, expected: "an array") }
        return elements
    }

    func optionalTime(_ key: String) throws(CustomerFileError.Problem) -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = RFC3339.date(text) else { throw .badTime(field: path + key, value: text) }
        return date
    }

    func time(_ key: String) throws(CustomerFileError.Problem) -> Date {
        guard let date = try optionalTime(key) else { throw .missingField(path + key) }
        return date
    }
}

/// RFC 3339 §5.6 `date-time`: `2026-03-28T23:30:00+01:00`, `2026-03-28T22:30:00.250Z`.
///
/// A hand-written parser (Foundation's formatters are not `Sendable`, and some accept dates
/// that do not exist by rolling them over): the time zone is required (`Z` or `±hh:mm`), `T`
/// and `Z` may be lower case, fractional seconds may have any number of digits, and
/// impossible dates and times (`02-30`, `24:00`) are rejected. So is a leap second (`:60`),
/// which `Date` cannot represent.
package enum RFC3339 {
    /// The instant `text` names, or `nil` when it is not an RFC 3339 date-time.
    package static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int? {
            guard position + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + width)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            position += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var fraction = 0.0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let start = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
            guard position > start else { return nil }
            let digits = bytes[start..<min(position, start + 9)]
            var scale = 1.0
            var value = 0
            for byte in digits {
                value = value * 10 + Int(byte - 0x30)
                scale *= 10
            }
            fraction = Double(value) / scale
        }
        var offset = 0
        if expect("Zz") {
            offset = 0
        } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard position == bytes.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A minimal BCP 47 syntax check, enough to keep garbage out of language fields without the
/// Localization module: a primary subtag of 2–8 ASCII letters, then `-`-separated subtags of
/// 1–8 ASCII letters or digits (`sv`, `sv-SE`, `zh-Hant-TW`, `de-CH-1996`). The tag is kept as
/// written.
package enum LanguageTagSyntax {
    /// Whether `tag` has that shape.
    package static func isValid(_ tag: String) -> Bool {
        let subtags = tag.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...8).contains(primary.count),
            primary.allSatisfy({ Unicode.Scalar($0).isASCIILetter })
        else { return false }
        return subtags.dropFirst().allSatisfy { subtag in
            (1...8).contains(subtag.count) && subtag.allSatisfy { Unicode.Scalar($0).isASCIIAlphanumeric }
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
}
