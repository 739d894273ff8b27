import Foundation

/// Decoding of structured header values: RFC 2047 encoded words, RFC 2231
/// parameters, address lists (RFC 5322 §3.4), msg-id lists (§3.6.4) and dates (§3.3).
enum HeaderValues {
    // MARK: RFC 2047

    /// Decodes `=?charset?B|Q?text?=` words; whitespace between two adjacent
    /// encoded words is dropped (RFC 2047 §6.2). Malformed words stay as written.
    static func decodeEncodedWords(_ value: String) -> String {
        guard value.utf8.containsPair(UInt8(ascii: "="), UInt8(ascii: "?")) else { return value }
        var scratch: [MailWarning] = []
        var result = ""
        var pendingSpace = ""
        var previousWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, after) = decodeOneWord(rest, warnings: &scratch) {
                if !previousWasEncoded { result += pendingSpace }
                pendingSpace = ""
                result += decoded
                previousWasEncoded = true
                rest = after
                continue
            }
            let character = rest.removeFirst()
            if character == " " || character == "\t" || character == "\r" || character == "\n" {
                pendingSpace.append(character == "\t" ? " " : character)
                continue
            }
            result += pendingSpace
            pendingSpace = ""
            result.append(character)
            previousWasEncoded = false
        }
        return result + pendingSpace
    }

    private static func decodeOneWord(_ text: Substring, warnings: inout [MailWarning]) -> (String, Substring)? {
        // =?charset?encoding?encoded-text?=
        let afterOpen = text.dropFirst(2)
        guard let q1 = afterOpen.firstIndex(of: "?") else { return nil }
        let charsetPart = afterOpen[..<q1]
        let afterCharset = afterOpen[afterOpen.index(after: q1)...]
        guard let encoding = afterCharset.first, afterCharset.dropFirst().first == "?" else { return nil }
        let payloadStart = afterCharset.index(afterCharset.startIndex, offsetBy: 2)
        let payloadAndRest = afterCharset[payloadStart...]
        var closeStart: Substring.Index?
        var cursor = payloadAndRest.startIndex
        while cursor < payloadAndRest.endIndex {
            let next = payloadAndRest.index(after: cursor)
            if payloadAndRest[cursor] == "?", next < payloadAndRest.endIndex, payloadAndRest[next] == "=" {
                closeStart = cursor
                break
            }
            cursor = next
        }
        guard let closeStart else { return nil }
        let close = closeStart..<payloadAndRest.index(closeStart, offsetBy: 2)
        let payload = payloadAndRest[..<close.lowerBound]
        guard !payload.utf8.contains(0x20) else { return nil }
        // RFC 2231 §5: charset*language.
        let charset = String(charsetPart.split(separator: "*", maxSplits: 1).first ?? "")
        let bytes: [UInt8]
        switch encoding {
        case "B", "b": bytes = TransferEncoding.decodeBase64(ArraySlice(payload.utf8)).bytes
        case "Q", "q":
            let underscored = payload.utf8.map { $0 == UInt8(ascii: "_") ? 0x20 : $0 }
            bytes = TransferEncoding.decodeQuotedPrintable(ArraySlice(underscored)).bytes
        default: return nil
        }
        return (Charsets.decode(ArraySlice(bytes), charset: charset, warnings: &warnings), payloadAndRest[close.upperBound...])
    }

    // MARK: Parameters (RFC 2045 §5.1, RFC 2231)

    /// Splits `type/subtype; a=1; b="x y"` into the lower-cased value and its
    /// parameters (names lower-cased), joining RFC 2231 continuations and
    /// decoding `charset'lang'%XX` values.
    static func parameterized(_ value: String) -> (value: String, parameters: [String: String]) {
        if !value.utf8.contains(UInt8(ascii: ";")) { return (value.asciiTrimmed.asciiLowercased, [:]) }
        if let simple = simpleParameterized(value) { return simple }
        // Split on semicolons outside quoted strings, on bytes.
        var parts: [String] = []
        var value = value
        value.withUTF8 { bytes in
            var inQuotes = false
            var escaped = false
            var current: [UInt8] = []
            for byte in bytes {
                if escaped {
                    current.append(byte)
                    escaped = false
                } else if byte == UInt8(ascii: "\\") && inQuotes {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inQuotes.toggle()
                    current.append(byte)
                } else if byte == UInt8(ascii: ";") && !inQuotes {
                    parts.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                } else {
                    current.append(byte)
                }
            }
            parts.append(String(decoding: current, as: UTF8.self))
        }
        let main = parts[0].asciiTrimmed.asciiLowercased
        var simple: [String: String] = [:]
        var continued: [String: [(index: Int, value: String, encoded: Bool)]] = [:]
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: "=") else { continue }
            var name = part[..<equals].asciiTrimmed.asciiLowercased
            var raw = part[part.index(after: equals)...].asciiTrimmed
            if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") { raw = String(raw.dropFirst().dropLast()) }
            let encoded = name.hasSuffix("*")
            if encoded { name.removeLast() }
            if let star = name.firstIndex(of: "*"), let index = Int(name[name.index(after: star)...]) {
                continued[String(name[..<star]), default: []].append((index, raw, encoded))
            } else if encoded {
                simple[name] = decodeExtendedValue(raw, isFirst: true).value
            } else {
                simple[name] = raw
            }
        }
        for (name, pieces) in continued {
            let ordered = pieces.sorted { $0.index < $1.index }
            var charset = "utf-8"
            var bytes: [UInt8] = []
            for piece in ordered {
                if piece.encoded {
                    let decoded = decodeExtendedValue(piece.value, isFirst: piece.index == 0)
                    if let c = decoded.charset { charset = c }
                    bytes += decoded.bytes
                } else {
                    bytes += Array(piece.value.utf8)
                }
            }
            var ignored: [MailWarning] = []
            simple[name] = Charsets.decode(ArraySlice(bytes), charset: charset, warnings: &ignored)
        }
        return (main, simple)
    }

    /// `type/subtype; name=value; name="value"` in ASCII without escapes, RFC
    /// 2231 stars or semicolons inside quotes (nearly every Content-Type), read on bytes;
    /// nil for anything else, which the general reader handles.
    private static func simpleParameterized(_ value: String) -> (value: String, parameters: [String: String])? {
        var value = value
        return value.withUTF8 { bytes -> (value: String, parameters: [String: String])? in
            for byte in bytes where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "*") || byte >= 0x80 { return nil }
            var parts: [Range<Int>] = []
            var start = 0
            var inQuotes = false
            for index in 0..<bytes.count {
                if bytes[index] == UInt8(ascii: "\"") { inQuotes.toggle() }
                if bytes[index] == UInt8(ascii: ";") {
                    if inQuotes { return nil }
                    parts.append(start..<index)
                    start = index + 1
                }
            }
            parts.append(start..<bytes.count)
            func trimmed(_ range: Range<Int>) -> Range<Int> {
                var lower = range.lowerBound
                var upper = range.upperBound
                while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
                while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
                return lower..<upper
            }
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            let main = text(trimmed(parts[0])).asciiLowercased
            var parameters: [String: String] = [:]
            for part in parts.dropFirst() {
                guard let equals = bytes[part].firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = text(trimmed(part.lowerBound..<equals)).asciiLowercased
                var raw = trimmed(equals + 1..<part.upperBound)
                if raw.count >= 2, bytes[raw.lowerBound] == UInt8(ascii: "\""), bytes[raw.upperBound - 1] == UInt8(ascii: "\"") {
                    raw = raw.lowerBound + 1..<raw.upperBound - 1
                }
                parameters[name] = text(raw)
            }
            return (main, parameters)
        }
    }

    /// `charset'language'%XX…` (only the first segment carries charset and language).
    private static func decodeExtendedValue(_ raw: String, isFirst: Bool) -> (value: String, bytes: [UInt8], charset: String?) {
        var text = Substring(raw)
        var charset: String?
        if isFirst {
            let pieces = raw.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            if pieces.count == 3 {
                charset = String(pieces[0])
                text = pieces[2]
            }
        }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let h = TransferEncoding.hexValue(utf8[i + 1]),
                let l = TransferEncoding.hexValue(utf8[i + 2])
            {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        var ignored: [MailWarning] = []
        return (Charsets.decode(ArraySlice(bytes), charset: charset ?? "utf-8", warnings: &ignored), bytes, charset)
    }

    // MARK: Addresses (RFC 5322 §3.4)

    /// Parses an address list with display names, quoted strings, comments
    /// (nested), groups, and obsolete forms, best effort: an entry that has no
    /// `@` and no angle brackets is skipped.
    static func addresses(_ value: String) -> [MailAddress] {
        var result: [MailAddress] = []
        var group: String?
        var phrase = ""
        var angle: String?
        var bare = ""
        var inQuotes = false
        var commentDepth = 0
        var inAngle = false
        var escaped = false

        func flush() {
            let name = HeaderValues.decodeEncodedWords(phrase.asciiTrimmed)
            if let address = angle?.asciiTrimmed, !address.isEmpty {
                result.append(MailAddress(name: name.isEmpty ? nil : name, address: address, group: group))
            } else {
                let candidate = (bare.isEmpty ? phrase : bare).asciiTrimmed
                if candidate.contains("@"), !candidate.contains(" ") {
                    result.append(MailAddress(name: nil, address: candidate, group: group))
                }
            }
            phrase = ""
            angle = nil
            bare = ""
        }

        for character in value {
            if escaped {
                if inAngle { angle?.append(character) } else { phrase.append(character) }
                escaped = false
                continue
            }
            if commentDepth > 0 {
                if character == "\\" { escaped = true } else if character == "(" { commentDepth += 1 } else if character == ")" { commentDepth -= 1 }
                continue
            }
            if inQuotes {
                if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false } else { phrase.append(character) }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case "(": commentDepth = 1
            case "<":
                inAngle = true
                angle = ""
            case ">": inAngle = false
            case ":" where !inAngle:
                group = HeaderValues.decodeEncodedWords(phrase.asciiTrimmed)
                phrase = ""
                bare = ""
            case ";" where !inAngle:
                flush()
                group = nil
            case "," where !inAngle:
                flush()
            default:
                if inAngle {
                    angle?.append(character)
                } else {
                    phrase.append(character)
                    if character != " " && character != "\t" { bare.append(character) }
                }
            }
        }
        flush()
        return result
    }

    // MARK: msg-id lists (RFC 5322 §3.6.4)

    /// The ids in a Message-ID, In-Reply-To or References value, without angle
    /// brackets. Values not in `<…>` form are read best effort: whitespace- or
    /// comma-separated words containing `@`; `malformed` is set then.
    static func messageIDs(_ value: String) -> (ids: [String], malformed: Bool) {
        var ids: [String] = []
        var value = value
        let found: Bool = value.withUTF8 { bytes in
            var i = 0
            var sawAngle = false
            while i < bytes.count {
                guard bytes[i] == UInt8(ascii: "<") else {
                    i += 1
                    continue
                }
                sawAngle = true
                var j = i + 1
                var spaced = false
                while j < bytes.count, bytes[j] != UInt8(ascii: ">") {
                    let byte = bytes[j]
                    if byte == UInt8(ascii: "<") { break }
                    if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { spaced = true }
                    j += 1
                }
                if j < bytes.count, bytes[j] == UInt8(ascii: ">") {
                    // Whitespace inside the brackets (a folded id) is dropped; usually there is none.
                    let inside = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<j])
                    let id = spaced
                        ? String(decoding: inside.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
                        : String(decoding: inside, as: UTF8.self)
                    if !id.isEmpty { ids.append(id) }
                    i = j + 1
                } else {
                    i = j
                }
            }
            return sawAngle && !ids.isEmpty
        }
        if found { return (ids, false) }
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\n" })
        let guessed = words.filter { $0.contains("@") }.map {
            String($0.filter { $0 != "<" && $0 != ">" && $0 != "\"" })
        }
        return (guessed, !value.allSatisfy { $0 == " " || $0 == "\t" })
    }

    // MARK: Dates (RFC 5322 §3.3, with §4.3 obsolete zones)

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil` algorithm): no Calendar, so no allocation per message.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Month and weekday names as three lower-case ASCII bytes packed into an integer.
    private static let monthCodes: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map(code)
    private static let weekdayCodes: Set<UInt32> = Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(code))

    private static func code(_ name: String) -> UInt32 {
        name.utf8.prefix(3).reduce(0) { $0 << 8 | UInt32($1) }
    }
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
        "mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    ]

    /// Reads `[Day,] DD Mon YYYY HH:MM[:SS] zone`, tolerating missing seconds,
    /// two-digit years (RFC 5322 §4.3), comments, and obsolete zone names
    /// (military zones other than Z count as -0000, as §4.3 says).
    static func date(_ value: String) -> Date? {
        var value = value
        return value.withUTF8 { bytes -> Date? in
            // Tokens: runs of bytes outside whitespace, commas and (comments).
            var tokens: [Range<Int>] = []
            var depth = 0
            var start = -1
            for i in 0...bytes.count {
                let byte: UInt8 = i < bytes.count ? bytes[i] : 0x20
                if byte == UInt8(ascii: "(") { depth += 1 }
                let separator = depth > 0 || byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: ",")
                    || byte == 0x0D || byte == 0x0A
                if byte == UInt8(ascii: ")") { depth = max(0, depth - 1) }
                if separator {
                    if start >= 0 { tokens.append(start..<i) }
                    start = -1
                } else if start < 0 {
                    start = i
                }
            }
            func lower3(_ range: Range<Int>) -> UInt32 {
                guard range.count >= 3 else { return 0 }
                return (UInt32(bytes[range.lowerBound] | 0x20) << 16) | (UInt32(bytes[range.lowerBound + 1] | 0x20) << 8)
                    | UInt32(bytes[range.lowerBound + 2] | 0x20)
            }
            func number(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty, range.count <= 9 else { return nil }
                var n = 0
                for i in range {
                    guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                    n = n * 10 + Int(bytes[i] - 0x30)
                }
                return n
            }
            if let first = tokens.first, first.count >= 3, weekdayCodes.contains(lower3(first)) { tokens.removeFirst() }
            guard tokens.count >= 4 else { return nil }
            var day: Int?
            var month: Int?
            var yearToken = 2
            var timeToken = 3
            if let d = number(tokens[0]), let m = monthCodes.firstIndex(of: lower3(tokens[1])) {
                day = d
                month = m + 1
            } else if let m = monthCodes.firstIndex(of: lower3(tokens[0])), let d = number(tokens[1]) {
                // asctime order: Mon DD HH:MM:SS YYYY, or Mon DD YYYY HH:MM.
                day = d
                month = m + 1
                if bytes[tokens[2]].contains(UInt8(ascii: ":")) {
                    timeToken = 2
                    yearToken = 3
                }
            }
            guard let day, let month, (1...31).contains(day), var year = number(tokens[yearToken]) else { return nil }
            if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
            // HH:MM[:SS]
            var clock: [Int] = []
            var part = tokens[timeToken].lowerBound
            for i in tokens[timeToken].lowerBound...tokens[timeToken].upperBound {
                if i == tokens[timeToken].upperBound || bytes[i] == UInt8(ascii: ":") {
                    guard let n = number(part..<i) else { return nil }
                    clock.append(n)
                    part = i + 1
                }
            }
            guard clock.count >= 2, clock[0] < 24, clock[1] < 60 else { return nil }
            let second = clock.count > 2 ? clock[2] : 0
            var offsetMinutes = 0
            let zoneToken = max(yearToken, timeToken) + 1
            if zoneToken < tokens.count {
                let zone = tokens[zoneToken]
                let sign = bytes[zone.lowerBound]
                if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), zone.count == 5,
                    let digits = number(zone.lowerBound + 1..<zone.upperBound)
                {
                    offsetMinutes = (digits / 100) * 60 + digits % 100
                    if sign == UInt8(ascii: "-") { offsetMinutes = -offsetMinutes }
                } else if let known = zones[String(decoding: UnsafeBufferPointer(rebasing: bytes[zone]), as: UTF8.self).lowercased()] {
                    offsetMinutes = known
                }
            }
            guard (1...9999).contains(year) else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            let seconds = days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + min(second, 60) - offsetMinutes * 60
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }
}

extension String {
    /// The string with ASCII letters lower-cased, without Unicode case mapping
    /// (media types, charset and encoding names are ASCII); as `lowercased()`
    /// for anything else.
    var asciiLowercased: String {
        var needsChange = false
        for byte in utf8 {
            if byte >= 0x80 { return lowercased() }
            if byte >= 0x41, byte <= 0x5A { needsChange = true }
        }
        guard needsChange else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The string without leading and trailing ASCII spaces and tabs (cheaper
    /// than Foundation's `trimmingCharacters`, which bridges through UTF-16).
    var asciiTrimmed: String { asciiTrimmedUTF8(utf8) }
}

extension Substring {
    /// The substring without leading and trailing ASCII spaces and tabs, as a string.
    var asciiTrimmed: String { asciiTrimmedUTF8(utf8) }
}

private func asciiTrimmedUTF8<C: BidirectionalCollection>(_ utf8: C) -> String where C.Element == UInt8 {
    guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
    else { return "" }
    return String(decoding: utf8[first...last], as: UTF8.self)
}

extension String.UTF8View {
    /// Whether `first` is immediately followed by `second` somewhere (no Foundation bridging).
    func containsPair(_ first: UInt8, _ second: UInt8) -> Bool {
        var previous: UInt8 = 0
        for byte in self {
            if previous == first, byte == second { return true }
            previous = byte
        }
        return false
    }
}
