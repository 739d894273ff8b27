import Foundation

/// An address from a mail header: `"Anna Svensson" <anna@example.se>`.
public struct MailAddress: Hashable, Sendable, Codable {
    /// The display name, decoded (RFC 2047), or `nil`.
    public var name: String?
    /// The address as written (`local@domain`); validate with `ContactPoint.email`.
    public var address: String
    /// The group the address was listed under (`Team: a@x, b@y;`), if any.
    public var group: String?

    /// An address.
    public init(name: String?, address: String, group: String? = nil) {
        self.name = name
        self.address = address
        self.group = group
    }
}

/// Something the parser repaired or guessed. Parsing never stops at one;
/// each says where (a byte offset in the message) and what was done.
public enum MailWarning: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A header line without a colon was skipped.
    case malformedHeaderLine(offset: Int)
    /// There was no blank line between headers and body; the body starts at the first line that is not a header.
    case missingHeaderBodySeparator(offset: Int)
    /// No Message-ID; a stable one was derived from the content.
    case derivedMessageID(String)
    /// A Message-ID, In-Reply-To or References value was not in `<…>` form; ids were guessed from it.
    case malformedMessageIDList(header: String)
    /// The Date header could not be read.
    case unreadableDate(String)
    /// Base64 had characters outside the alphabet (skipped) or ended mid-quantum (the tail was dropped).
    case damagedBase64(offset: Int)
    /// Quoted-printable had an `=` not followed by two hex digits (kept literally).
    case damagedQuotedPrintable(offset: Int)
    /// A charset SupportKit cannot decode; the text was decoded as UTF-8 with replacement characters.
    case unknownCharset(String)
    /// Bytes that are invalid in the declared charset were replaced with U+FFFD.
    case invalidBytes(charset: String)
    /// A multipart body had no closing boundary, or its boundary never appeared.
    case unterminatedMultipart(boundary: String)
    /// Multipart nesting deeper than the limit; deeper parts were kept as attachments.
    case nestingTooDeep(limit: Int)
    /// A body part larger than the limit was truncated for text extraction (its size is still recorded).
    case bodyTruncated(limit: Int)
    /// NUL bytes were removed from text.
    case nulBytesRemoved(count: Int)

    public var description: String {
        switch self {
        case .malformedHeaderLine(let offset): "header line without a colon at byte \(offset) skipped"
        case .missingHeaderBodySeparator(let offset): "no blank line after the headers; body assumed from byte \(offset)"
        case .derivedMessageID(let id): "no Message-ID; derived <\(id)>"
        case .malformedMessageIDList(let header): "\(header) is not a list of <ids>; ids guessed"
        case .unreadableDate(let value): "unreadable Date \"\(value)\""
        case .damagedBase64(let offset): "damaged base64 in the part at byte \(offset)"
        case .damagedQuotedPrintable(let offset): "damaged quoted-printable in the part at byte \(offset)"
        case .unknownCharset(let name): "unknown charset \"\(name)\"; decoded as UTF-8"
        case .invalidBytes(let charset): "bytes invalid in \(charset) replaced"
        case .unterminatedMultipart(let boundary): "multipart boundary \"\(boundary)\" not closed"
        case .nestingTooDeep(let limit): "multipart nesting deeper than \(limit)"
        case .bodyTruncated(let limit): "body part over \(limit) bytes truncated for text"
        case .nulBytesRemoved(let count): "\(count) NUL bytes removed"
        }
    }
}

/// Why bytes could not be read as a message at all (anything else is a
/// best-effort parse with ``MailWarning``s).
public enum MailParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input is empty or only whitespace.
    case empty
    /// The input has no header field at all (no `Name: value` line before the body).
    case noHeaders

    public var description: String {
        switch self {
        case .empty: "the message is empty"
        case .noHeaders: "the input has no header fields; it is not a mail message"
        }
    }
}

/// A parsed e-mail message: headers, the threading ids, readable text, and
/// attachment metadata.
public struct MailMessage: Hashable, Sendable {
    /// Every header field in order, unfolded; values are raw (not RFC 2047-decoded).
    public var headers: [MailHeader]
    /// The From addresses (parsed from the header on each access).
    public var from: [MailAddress] { addresses("from") }
    /// The To addresses.
    public var to: [MailAddress] { addresses("to") }
    /// The Cc addresses.
    public var cc: [MailAddress] { addresses("cc") }
    /// The Reply-To addresses.
    public var replyTo: [MailAddress] { addresses("reply-to") }

    private func addresses(_ name: String) -> [MailAddress] {
        headers.filter { $0.name == name }.flatMap { HeaderValues.addresses($0.value) }
    }
    /// The subject, RFC 2047-decoded.
    public var subject: String
    /// The Date header as an instant, if readable.
    public var date: Date?
    /// The Message-ID without angle brackets (derived from the content when missing: see ``messageIDWasDerived``).
    public var messageID: String
    /// Whether ``messageID`` was derived because the message had none.
    public var messageIDWasDerived: Bool
    /// In-Reply-To ids, without angle brackets.
    public var inReplyTo: [String]
    /// References ids, oldest first, without angle brackets.
    public var references: [String]
    /// The text/plain body, decoded, if there was one.
    public var plainText: String?
    /// The text/html body, decoded, if there was one.
    public var html: String?
    /// The readable text: the plain body, or the HTML body rendered to text.
    public var text: String
    /// Attachments (and inline parts that are not the body), metadata only.
    public var attachments: [MailAttachment]
    /// Repairs and guesses made while parsing.
    public var warnings: [MailWarning]

    /// The value of the first header with this name (case-insensitive), unfolded, raw.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// Every value of headers with this name, in order.
    public func headers(named name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name == lower }.map(\.value)
    }
}

/// One header field: the name lower-cased, the value unfolded and raw.
public struct MailHeader: Hashable, Sendable, Codable {
    /// The field name, lower-cased (`message-id`).
    public var name: String
    /// The value with folding removed, not RFC 2047-decoded.
    public var value: String
}

/// An attachment's metadata; the bytes are not kept.
public struct MailAttachment: Hashable, Sendable, Codable {
    /// The file name (Content-Disposition or Content-Type `name`, RFC 2231/2047-decoded).
    public var filename: String?
    /// The MIME type, lower-cased (`image/jpeg`).
    public var contentType: String
    /// Size in bytes after transfer decoding (estimated from the encoded size for base64).
    public var size: Int
    /// The Content-ID without angle brackets.
    public var contentID: String?
    /// `attachment`, `inline`, or `nil`.
    public var disposition: String?
}
