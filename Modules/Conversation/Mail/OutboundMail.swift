import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A composed outbound e-mail, ready to serialise with ``rfc5322Bytes()``.
///
/// The writer is the mirror of ``MailParser``: what it writes, the parser reads
/// back to the same subject, text, addresses and ids (see ``rfc5322Bytes()`` for
/// the exceptions, all of them about input no header can carry).
///
/// ```swift
/// let reply = OutboundMail(
///     from: MailAddress(name: "Kundtjänst", address: "support@shop.example"),
///     to: [MailAddress(name: "Anna Svensson", address: "anna@example.se")],
///     date: Date(), timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt,
///     messageID: "reply-1@shop.example", inReplyTo: ["q-1@example.se"], references: ["q-1@example.se"],
///     subject: "Re: Var är mitt paket?", text: "Hej Anna!\nPaketet skickades i dag.\n")
/// try Maildir.deliver(reply.rfc5322Bytes(), to: outbox)
/// ```
public struct OutboundMail: Hashable, Sendable {
    /// The sender. Its ``MailAddress/group`` is ignored.
    public var from: MailAddress
    /// The recipients; none writes `To: undisclosed-recipients:;`. Groups are ignored.
    public var to: [MailAddress]
    /// When the message was written (the Date header, to the second; fractions are dropped).
    public var date: Date
    /// The zone the Date header is written in: its offset from UTC at ``date``, daylight saving included.
    public var timeZone: TimeZone
    /// The Message-ID, without angle brackets.
    public var messageID: String
    /// The ids this message replies to, without angle brackets; none omits the header.
    public var inReplyTo: [String]
    /// The thread's ids, oldest first, without angle brackets; none omits the header.
    public var references: [String]
    /// The subject, any Unicode text.
    public var subject: String
    /// The plain-text body, any Unicode text; line breaks may be LF, CRLF or CR.
    public var text: String

    /// A message to serialise.
    public init(
        from: MailAddress, to: [MailAddress], date: Date, timeZone: TimeZone, messageID: String,
        inReplyTo: [String] = [], references: [String] = [], subject: String, text: String
    ) {
        self.from = from
        self.to = to
        self.date = date
        self.timeZone = timeZone
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.subject = subject
        self.text = text
    }

    /// The message as RFC 5322 bytes: a single `text/plain; charset=utf-8` part
    /// in quoted-printable (RFC 2045 §6.7), so every byte is 7-bit ASCII apart from
    /// non-ASCII addresses or ids (written as UTF-8, RFC 6532).
    ///
    /// Headers, in this order: From, To, Subject, Date, Message-ID, In-Reply-To and
    /// References (each only when it has an id), MIME-Version, Content-Type,
    /// Content-Transfer-Encoding. Every line ends in CRLF and has at most 998 octets;
    /// header lines are folded at whitespace to stay within 78 octets wherever a
    /// break is allowed (a single word, address or id longer than that stays whole).
    /// The same value always gives the same bytes.
    ///
    /// Bad input never makes a new header line (no header injection):
    /// - Display names lose leading and trailing spaces and tabs; one left empty
    ///   writes the bare address.
    /// - In ``subject`` and display names, every line break (CRLF, CR or LF) is
    ///   **replaced by one space**. Subjects and names that are not plain ASCII, that
    ///   hold other control characters, or that contain `=?` are written as RFC 2047
    ///   encoded-words (UTF-8, Q or B, whichever is shorter; each at most 75
    ///   characters, never splitting a character's UTF-8 bytes).
    /// - From ids and addresses, whitespace, control characters (CR and LF among
    ///   them) and `<` `>` are **removed**. An id that is then empty, or longer than
    ///   900 octets (it could not fit a line), is left out; a Message-ID left out
    ///   omits the header (``MailParser`` then derives one). An address left empty
    ///   is written `<>`. Addresses are not otherwise validated (use
    ///   `ContactPoint.email`).
    ///
    /// The body's line breaks become CRLF. A text that does not end in a line break
    /// ends in a quoted-printable soft break (`=` CRLF), so the message still ends in
    /// CRLF and the decoded text has no line break added. Lines starting `From ` are
    /// written `=46rom ` (mbox readers would otherwise escape or split there).
    ///
    /// What ``MailParser`` reads back: the same subject with leading and trailing
    /// spaces and tabs trimmed (the parser trims) and line breaks as spaces; the
    /// text with CRLF line breaks; the same names, addresses and ids as cleaned above.
    public func rfc5322Bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8 + 1_024)
        MailWriter.appendHeader("From", MailWriter.addressPieces(from, firstBudget: 78 - "From: ".utf8.count), to: &out)

        var toPieces: [String] = []
        if to.isEmpty { toPieces = ["undisclosed-recipients:;"] }
        for (index, address) in to.enumerated() {
            var pieces = MailWriter.addressPieces(address, firstBudget: index == 0 ? 78 - "To: ".utf8.count : 75)
            if index > 0 { pieces[0] = " " + pieces[0] }
            if index < to.count - 1 { pieces[pieces.count - 1] += "," }
            toPieces += pieces
        }
        MailWriter.appendHeader("To", toPieces, to: &out)
        MailWriter.appendHeader("Subject", MailWriter.subjectPieces(subject), to: &out)
        MailWriter.appendHeader("Date", [MailWriter.dateValue(date, in: timeZone)], to: &out)
        if let id = MailWriter.cleanID(messageID) { MailWriter.appendHeader("Message-ID", ["<\(id)>"], to: &out) }
        let replyIDs = inReplyTo.compactMap(MailWriter.cleanID)
        if !replyIDs.isEmpty { MailWriter.appendHeader("In-Reply-To", MailWriter.idPieces(replyIDs), to: &out) }
        let referenceIDs = references.compactMap(MailWriter.cleanID)
        if !referenceIDs.isEmpty { MailWriter.appendHeader("References", MailWriter.idPieces(referenceIDs), to: &out) }
        MailWriter.appendHeader("MIME-Version", ["1.0"], to: &out)
        MailWriter.appendHeader("Content-Type", ["text/plain; charset=utf-8"], to: &out)
        MailWriter.appendHeader("Content-Transfer-Encoding", ["quoted-printable"], to: &out)
        out += MailWriter.crlf
        MailWriter.appendQuotedPrintable(text, to: &out)
        return out
    }
}

/// The encoders behind ``OutboundMail``: header folding, RFC 2047 encoded-words,
/// the RFC 5322 date, and the quoted-printable body.
enum MailWriter {
    static let crlf: [UInt8] = [0x0D, 0x0A]
    /// A header line's preferred limit (RFC 5322 §2.1.1), CRLF excluded.
    static let preferredLineLength = 78
    /// The longest word (between folding points) written as is; longer ones become encoded-words.
    static let longestWord = 900
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    // MARK: Folding

    /// Writes `Name: pieces…` CRLF, folding before a piece (each after the first
    /// starts with a space or tab) when the line would pass 78 octets.
    static func appendHeader(_ name: String, _ pieces: [String], to out: inout [UInt8]) {
        var line = name + ":"
        for (index, piece) in pieces.enumerated() {
            if index == 0 {
                line += " " + piece
            } else if line.utf8.count + piece.utf8.count > preferredLineLength {
                out += line.utf8
                out += crlf
                line = piece
            } else {
                line += piece
            }
        }
        out += line.utf8
        out += crlf
    }

    /// Splits text into the pieces folding may break between: a piece is a run of
    /// spaces and tabs followed by a word; the text's leading and trailing
    /// whitespace stays with its first and last piece, so no folded line is only whitespace.
    static func segments(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var hasWord = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09, hasWord {
                var end = index
                while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
                if end < bytes.count {
                    result.append(current)
                    current = []
                    hasWord = false
                }
                current += bytes[index..<end]
                index = end
                continue
            }
            if byte != 0x20 && byte != 0x09 { hasWord = true }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Printable ASCII, spaces and tabs, without `=?` (which a reader would take for an encoded-word).
    static func isPlainHeaderText(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            guard (0x20...0x7E).contains(byte) || byte == 0x09 else { return false }
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return false }
            previous = byte
        }
        return true
    }

    /// Text with every line break (CRLF, CR, LF) replaced by one space.
    static func lineBreaksAsSpaces(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return text }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append(" ")
                previousWasCR = true
                continue
            }
            if scalar == "\n" {
                if !previousWasCR { scalars.append(" ") }
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        return String(scalars)
    }

    // MARK: Subject and addresses

    /// The subject's pieces: as written when it is plain ASCII, encoded-words otherwise.
    static func subjectPieces(_ subject: String) -> [String] {
        let clean = lineBreaksAsSpaces(subject)
        guard !clean.isEmpty else { return [] }
        let bytes = Array(clean.utf8)
        if isPlainHeaderText(bytes) {
            let pieces = segments(bytes)
            if pieces.allSatisfy({ $0.count <= longestWord }) {
                return pieces.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        return spaced(encodedWords(clean, firstBudget: preferredLineLength - "Subject: ".utf8.count, budget: 75, phrase: false))
    }

    /// An address's pieces: `Name <addr>`, or `addr` without a name.
    static func addressPieces(_ address: MailAddress, firstBudget: Int) -> [String] {
        let cleanAddress = String(String.UnicodeScalarView(address.address.unicodeScalars.filter(isIDScalar)))
        let angle = "<\(cleanAddress)>"
        guard let name = address.name.map({ lineBreaksAsSpaces($0).asciiTrimmed }), !name.isEmpty else {
            return [cleanAddress.isEmpty ? angle : cleanAddress]
        }
        return namePieces(name, firstBudget: firstBudget) + [" " + angle]
    }

    /// A display name: atoms as is, other ASCII as a quoted-string, anything else as encoded-words.
    static func namePieces(_ name: String, firstBudget: Int) -> [String] {
        let bytes = Array(name.utf8)
        if isPlainHeaderText(bytes) {
            let written: [UInt8]
            if isAtomPhrase(bytes) {
                written = bytes
            } else {
                var quoted: [UInt8] = [UInt8(ascii: "\"")]
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
                    quoted.append(byte)
                }
                quoted.append(UInt8(ascii: "\""))
                written = quoted
            }
            let pieces = segments(written)
            if pieces.allSatisfy({ $0.count <= longestWord }) { return pieces.map { String(decoding: $0, as: UTF8.self) } }
        }
        return spaced(encodedWords(name, firstBudget: firstBudget, budget: 75, phrase: true))
    }

    /// Words of RFC 5322 `atext` separated by single spaces (a phrase that needs no quotes).
    static func isAtomPhrase(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20 else { return false }
        var previousWasSpace = false
        for byte in bytes {
            if byte == 0x20 {
                if previousWasSpace { return false }
                previousWasSpace = true
                continue
            }
            previousWasSpace = false
            guard isAtext(byte) else { return false }
        }
        return true
    }

    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// Whether a scalar may stay in an id or address: not whitespace, not a control character, not `<` or `>`.
    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "<" || scalar == ">" { return false }
        return !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
    }

    /// The id with whitespace, controls and angle brackets removed; nil when that leaves nothing or it is over 900 octets.
    static func cleanID(_ id: String) -> String? {
        let clean = String(String.UnicodeScalarView(id.unicodeScalars.filter(isIDScalar)))
        guard !clean.isEmpty, clean.utf8.count <= longestWord else { return nil }
        return clean
    }

    /// `<a>`, ` <b>`, … for a msg-id list.
    static func idPieces(_ ids: [String]) -> [String] {
        ids.enumerated().map { $0.offset == 0 ? "<\($0.element)>" : " <\($0.element)>" }
    }

    private static func spaced(_ words: [String]) -> [String] {
        words.enumerated().map { $0.offset == 0 ? $0.element : " " + $0.element }
    }

    // MARK: RFC 2047

    /// The text as UTF-8 encoded-words, the first at most `firstBudget` characters
    /// and the others at most `budget` (both capped at 75, RFC 2047 §2). Q or B,
    /// whichever is shorter for the whole text; `phrase` restricts Q to the
    /// characters a display name allows (§5 (3)). Words break between characters,
    /// or between a character's scalars when one character alone is too long;
    /// never inside a scalar's UTF-8 bytes.
    static func encodedWords(_ text: String, firstBudget: Int, budget: Int, phrase: Bool) -> [String] {
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + qWidth($1, phrase: phrase) }
        let useQ = qLength <= (bytes.count + 2) / 3 * 4
        let overhead = "=?UTF-8?Q??=".utf8.count
        let first = max(min(firstBudget, 75), overhead + 12) - overhead
        let later = max(min(budget, 75), overhead + 12) - overhead
        func payloadLength(_ byteCount: Int, _ qCount: Int) -> Int { useQ ? qCount : (byteCount + 2) / 3 * 4 }

        var units: [[UInt8]] = []
        for character in text {
            let unit = Array(String(character).utf8)
            if payloadLength(unit.count, unit.reduce(0) { $0 + qWidth($1, phrase: phrase) }) <= min(first, later) {
                units.append(unit)
            } else {
                for scalar in character.unicodeScalars { units.append(Array(String(scalar).utf8)) }
            }
        }
        var words: [String] = []
        var current: [UInt8] = []
        var currentQ = 0
        for unit in units {
            let unitQ = unit.reduce(0) { $0 + qWidth($1, phrase: phrase) }
            let limit = words.isEmpty ? first : later
            if !current.isEmpty, payloadLength(current.count + unit.count, currentQ + unitQ) > limit {
                words.append(encodedWord(current, q: useQ, phrase: phrase))
                current = []
                currentQ = 0
            }
            current += unit
            currentQ += unitQ
        }
        if !current.isEmpty { words.append(encodedWord(current, q: useQ, phrase: phrase)) }
        return words
    }

    /// A byte's width in Q encoding: 1 when written as itself (or `_` for a space), 3 as `=XX`.
    static func qWidth(_ byte: UInt8, phrase: Bool) -> Int { qLiteral(byte, phrase: phrase) ? 1 : 3 }

    private static func qLiteral(_ byte: UInt8, phrase: Bool) -> Bool {
        if byte == 0x20 { return true }
        if phrase {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!*+-/".utf8.contains(byte)
            }
        }
        return (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "=") && byte != UInt8(ascii: "?")
            && byte != UInt8(ascii: "_")
    }

    private static func encodedWord(_ bytes: [UInt8], q: Bool, phrase: Bool) -> String {
        guard q else { return "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?=" }
        var payload: [UInt8] = []
        payload.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if byte == 0x20 {
                payload.append(UInt8(ascii: "_"))
            } else if qLiteral(byte, phrase: phrase) {
                payload.append(byte)
            } else {
                payload += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return "=?UTF-8?Q?" + String(decoding: payload, as: UTF8.self) + "?="
    }

    // MARK: Date (RFC 5322 §3.3)

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 01 Dec 2026 09:30:00 +0100`: the instant in `zone`, its offset at that
    /// instant truncated to whole minutes. Built by hand (no locale, no Calendar);
    /// dates outside the years 1–9999 are clamped to them.
    static func dateValue(_ date: Date, in zone: TimeZone) -> String {
        let seconds = date.timeIntervalSince1970
        let clamped = seconds.isNaN ? 0 : min(max(seconds.rounded(.down), -62_135_596_800), 253_402_300_799)
        let instant = Int(clamped)
        let offsetMinutes = zone.secondsFromGMT(for: Date(timeIntervalSince1970: clamped)) / 60
        let local = instant + offsetMinutes * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let weekday = ((days % 7) + 7 + 4) % 7
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var yearText = String(max(year, 0))
        while yearText.utf8.count < 4 { yearText = "0" + yearText }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let offset = abs(offsetMinutes)
        return "\(weekdays[weekday]), \(two(day)) \(months[month - 1]) \(yearText) "
            + "\(two(secondOfDay / 3_600)):\(two(secondOfDay % 3_600 / 60)):\(two(secondOfDay % 60)) "
            + "\(sign)\(two(offset / 60))\(two(offset % 60))"
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`, the inverse of ``HeaderValues/daysFromCivil(year:month:day:)``).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    // MARK: Quoted-printable (RFC 2045 §6.7)

    /// The text's UTF-8 as quoted-printable lines of at most 76 characters, line
    /// breaks as CRLF (see ``OutboundMail/rfc5322Bytes()`` for the rules).
    static func appendQuotedPrintable(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 0x0D || byte == 0x0A else {
                    index += 1
                    continue
                }
                appendQuotedPrintableLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<index]), hardBreak: true, to: &out)
                index += byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
                lineStart = index
            }
            if lineStart < bytes.count {
                appendQuotedPrintableLine(UnsafeBufferPointer(rebasing: bytes[lineStart...]), hardBreak: false, to: &out)
            }
        }
    }

    /// One line of text (no line breaks in it), ending in CRLF when `hardBreak`, else in a soft break.
    private static func appendQuotedPrintableLine(_ line: UnsafeBufferPointer<UInt8>, hardBreak: Bool, to out: inout [UInt8]) {
        let softBreak: [UInt8] = [UInt8(ascii: "="), 0x0D, 0x0A]
        var column = 0
        var index = 0
        func startsFrom(_ at: Int) -> Bool {
            at + 5 <= line.count && line[at] == UInt8(ascii: "F") && line[at + 1] == UInt8(ascii: "r")
                && line[at + 2] == UInt8(ascii: "o") && line[at + 3] == UInt8(ascii: "m") && line[at + 4] == 0x20
        }
        while index < line.count {
            let byte = line[index]
            // A scalar's UTF-8 bytes stay on one line.
            let length = min(byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1, line.count - index)
            let atEnd = index + length == line.count
            func escaped(atColumn column: Int) -> Bool {
                length > 1 || byte == UInt8(ascii: "=") || byte >= 0x7F || (byte < 0x20 && byte != 0x09)
                    || ((byte == 0x20 || byte == 0x09) && atEnd) || (column == 0 && startsFrom(index))
            }
            var width = escaped(atColumn: column) ? 3 * length : 1
            // Room for the soft break's "=" unless this is the last character before a hard break.
            let limit = atEnd && hardBreak ? 76 : 75
            if column > 0, column + width > limit {
                out += softBreak
                column = 0
                width = escaped(atColumn: 0) ? 3 * length : 1
            }
            if width == 1 {
                out.append(byte)
            } else {
                for offset in 0..<length {
                    let value = line[index + offset]
                    out += [UInt8(ascii: "="), hexDigits[Int(value >> 4)], hexDigits[Int(value & 0x0F)]]
                }
            }
            column += width
            index += length
        }
        out += hardBreak ? crlf : softBreak
    }
}

/// Why ``Maildir/deliver(_:to:now:)`` could not deliver a message.
public enum MaildirError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A directory (the Maildir or its `tmp`, `new` or `cur`) could not be made; `reason` is the system's.
    case cannotCreate(path: String, reason: String)
    /// The message file in `tmp/` could not be created, written or synced.
    case cannotWrite(path: String, reason: String)
    /// The written file could not be renamed from `tmp/` into `new/` (it was removed from `tmp/`).
    case cannotMove(from: String, to: String, reason: String)

    /// What failed, where, the system's reason, and what to check.
    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            "cannot create the Maildir directory \(path): \(reason); check the path and its permissions"
        case .cannotWrite(let path, let reason):
            "cannot write the message file \(path): \(reason); check free space and permissions"
        case .cannotMove(let from, let to, let reason):
            "cannot move \(from) to \(to): \(reason); tmp/ and new/ must be on one file system"
        }
    }
}

/// Delivery into a Maildir (the qmail layout `MailboxReader` reads): a message is
/// written whole to `tmp/`, then renamed into `new/`, so a reader never sees half a message.
public enum Maildir {
    /// Deliveries by this process, for unique names within one microsecond.
    private static let deliveries = Atomic<Int>(0)

    /// Writes `bytes` as a new message in the Maildir at `directory` and returns
    /// the file's URL in `new/`.
    ///
    /// Creates `directory` (and its parents) and its `tmp`, `new` and `cur`
    /// subdirectories when missing. The file is named
    /// `<seconds>.M<microseconds>P<pid>Q<counter>.<hostname>` from `now`, this
    /// process and a per-process counter, with `/` and `:` in the host name written
    /// `\057` and `\072`; a name already taken in `tmp/` or `new/` is never
    /// overwritten (the counter moves on). The file is fsynced before the rename.
    ///
    /// - Throws: ``MaildirError``: a directory cannot be created (a file is in the
    ///   way, no permission, or `directory` is not a file URL), the file cannot be
    ///   written, or it cannot be moved. Nothing is left in `tmp/` after a failure.
    @discardableResult
    public static func deliver(_ bytes: [UInt8], to directory: URL, now: Date = Date()) throws(MaildirError) -> URL {
        guard directory.isFileURL else { throw .cannotCreate(path: directory.absoluteString, reason: "not a file URL") }
        let tmp = directory.appendingPathComponent("tmp", isDirectory: true)
        let new = directory.appendingPathComponent("new", isDirectory: true)
        let cur = directory.appendingPathComponent("cur", isDirectory: true)
        for folder in [directory, tmp, new, cur] { try makeDirectories(folder.path) }
        let host = hostName()
        let pid = Int(getpid())
        for _ in 0..<1_000 {
            let name = uniqueName(now: now, pid: pid, counter: deliveries.wrappingAdd(1, ordering: .relaxed).oldValue, host: host)
            let tmpFile = tmp.appendingPathComponent(name, isDirectory: false)
            let newFile = new.appendingPathComponent(name, isDirectory: false)
            if FileManager.default.fileExists(atPath: newFile.path) { continue }
            guard try writeNewFile(bytes, to: tmpFile.path) else { continue }
            if FileManager.default.fileExists(atPath: newFile.path) {
                unlink(tmpFile.path)
                continue
            }
            if rename(tmpFile.path, newFile.path) != 0 {
                let reason = systemReason(errno)
                unlink(tmpFile.path)
                throw .cannotMove(from: tmpFile.path, to: newFile.path, reason: reason)
            }
            return newFile
        }
        throw .cannotWrite(path: tmp.path, reason: "no unused file name after 1000 tries")
    }

    /// `<seconds>.M<microseconds>P<pid>Q<counter>.<host>`; `host` must already be sanitised.
    static func uniqueName(now: Date, pid: Int, counter: Int, host: String) -> String {
        // Whole microseconds, rounded (12.0005 is 12.000499999… as a Double).
        let micros = now.timeIntervalSince1970 * 1_000_000
        let total = micros.isFinite ? Int(min(max(micros.rounded(), 0), 9e15)) : 0
        return "\(total / 1_000_000).M\(total % 1_000_000)P\(pid)Q\(counter).\(host)"
    }

    /// This machine's host name with `/` as `\057` and `:` as `\072` (the Maildir convention); `localhost` when unknown.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return sanitisedHost(raw)
    }

    static func sanitisedHost(_ raw: String) -> String {
        guard !raw.isEmpty else { return "localhost" }
        var result = ""
        for character in raw {
            switch character {
            case "/": result += "\\057"
            case ":": result += "\\072"
            default: result.append(character)
            }
        }
        return result
    }

    private static func makeDirectories(_ path: String) throws(MaildirError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw .cannotCreate(path: path, reason: "a file that is not a directory is in the way")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o700) != 0 {
            let code = errno
            if code == EEXIST, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return
            }
            throw .cannotCreate(path: path, reason: systemReason(code))
        }
    }

    /// Writes a new file (never an existing one); false when the name is taken.
    private static func writeNewFile(_ bytes: [UInt8], to path: String) throws(MaildirError) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw .cannotWrite(path: path, reason: systemReason(code))
        }
        var failure: Int32?
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var written = 0
            while written < raw.count {
                let count = write(descriptor, base + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw .cannotWrite(path: path, reason: systemReason(failure))
        }
        return true
    }

    private static func systemReason(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }
}
