import Foundation

/// Parses RFC 5322 messages with MIME bodies (RFC 2045–2049), best effort.
///
/// Works on bytes: header lines are found by scanning for line feeds, only
/// header values become strings, and bodies are decoded straight from the
/// input bytes. Damage is repaired and recorded as ``MailWarning``s (see each
/// case); only input that is not a message at all throws ``MailParseError``.
///
/// Decisions:
/// - Lines may end in CRLF or bare LF (mbox files use LF); a bare CR inside a
///   line is kept as data.
/// - The first text/plain part that is not an attachment is the body; the first
///   text/html part is kept too and rendered to text (libxml2) when there is no
///   plain part. Everything else is an attachment, kept as metadata only.
/// - `message/rfc822` parts are attachments (a forwarded message is not the
///   customer's own text).
/// - A text part over ``maxTextPartSize`` bytes is truncated for text
///   extraction (a 50 MB log pasted into a body is kept as its size, not as text).
/// - A message without a Message-ID gets a stable derived one,
///   `<hex@derived.supportkit.invalid>`, a 128-bit hash of its bytes: the same
///   message always gets the same id, so re-ingesting it is idempotent.
public struct MailParser: Sendable {
    /// Text parts larger than this are truncated for text extraction.
    public var maxTextPartSize: Int
    /// Multipart nesting deeper than this is not descended into.
    public var maxNestingDepth: Int

    /// A parser with a 4 MiB text limit and a nesting limit of 16.
    public init(maxTextPartSize: Int = 4 << 20, maxNestingDepth: Int = 16) {
        self.maxTextPartSize = maxTextPartSize
        self.maxNestingDepth = maxNestingDepth
    }

    /// Parses one message.
    ///
    /// - Throws: ``MailParseError/empty`` or ``MailParseError/noHeaders``.
    public func parse(_ bytes: [UInt8]) throws(MailParseError) -> MailMessage {
        try parse(bytes[...])
    }

    /// Parses one message from a slice (of a mailbox file, say) without copying it.
    public func parse(_ bytes: ArraySlice<UInt8>) throws(MailParseError) -> MailMessage {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { throw .empty }
        var warnings: [MailWarning] = []
        let (headers, bodyStart) = try Self.readHeaders(bytes, warnings: &warnings)
        var collector = PartCollector(parser: self)
        collector.visit(headers: headers, body: bytes[bodyStart...], depth: 0, warnings: &warnings)

        func first(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        let idList = first("message-id").map(HeaderValues.messageIDs) ?? (ids: [], malformed: false)
        var messageID = idList.ids.first ?? ""
        var derived = false
        if messageID.isEmpty {
            let fingerprint = MessageFingerprint(bytes)
            messageID = String(fingerprint.high, radix: 16) + String(fingerprint.low, radix: 16) + "@derived.supportkit.invalid"
            derived = true
            warnings.append(.derivedMessageID(messageID))
        } else if idList.malformed {
            warnings.append(.malformedMessageIDList(header: "Message-ID"))
        }
        let inReplyTo = first("in-reply-to").map(HeaderValues.messageIDs) ?? (ids: [], malformed: false)
        if inReplyTo.malformed { warnings.append(.malformedMessageIDList(header: "In-Reply-To")) }
        let references = first("references").map(HeaderValues.messageIDs) ?? (ids: [], malformed: false)
        if references.malformed { warnings.append(.malformedMessageIDList(header: "References")) }
        var date: Date?
        if let value = first("date") {
            date = HeaderValues.date(value)
            if date == nil { warnings.append(.unreadableDate(value)) }
        }
        var text = collector.plain ?? collector.html.map(HTMLText.render) ?? ""
        if Self.containsNUL(&text) {
            let count = text.utf8.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            text.removeAll { $0 == "\0" }
            warnings.append(.nulBytesRemoved(count: count))
        }
        return MailMessage(
            headers: headers,
            subject: HeaderValues.decodeEncodedWords(first("subject") ?? "").asciiTrimmed,
            date: date, messageID: messageID, messageIDWasDerived: derived,
            inReplyTo: inReplyTo.ids, references: references.ids,
            plainText: collector.plain, html: collector.html, text: text,
            attachments: collector.attachments, warnings: warnings)
    }

    // MARK: Headers

    /// Reads the header section; returns the fields and where the body starts.
    static func readHeaders(_ bytes: ArraySlice<UInt8>, warnings: inout [MailWarning]) throws(MailParseError)
        -> ([MailHeader], Int)
    {
        let read = bytes.withUnsafeBufferPointer { buffer in readHeaders(buffer, warnings: &warnings) }
        switch read {
        case .success(let (headers, bodyOffset)): return (headers, bytes.startIndex + bodyOffset)
        case .failure(let error): throw error
        }
    }

    /// The header section of `buffer`: the fields, and the offset where the body starts.
    /// Works on the bytes in place: a field's value is decoded straight from its
    /// line, and copied only when it is folded over several lines.
    private static func readHeaders(_ buffer: UnsafeBufferPointer<UInt8>, warnings: inout [MailWarning])
        -> Result<([MailHeader], Int), MailParseError>
    {
        var headers: [MailHeader] = []
        headers.reserveCapacity(16)
        let end = buffer.count
        var index = 0
        // The field being read: its name, its first line's value, and the whole value once folded.
        var pendingName: String?
        var pendingValue = 0..<0
        var folded: [UInt8] = []
        var isFolded = false

        func flush() {
            guard let name = pendingName else { return }
            let value = isFolded
                ? folded.withUnsafeBufferPointer { decodeHeaderBytes($0) }
                : decodeHeaderBytes(UnsafeBufferPointer(rebasing: buffer[pendingValue]))
            headers.append(MailHeader(name: name, value: value))
            pendingName = nil
            isFolded = false
        }

        // An mbox envelope line ("From sender date") before the headers is not a header.
        if end >= 5, buffer[0] == UInt8(ascii: "F"), buffer[1] == UInt8(ascii: "r"), buffer[2] == UInt8(ascii: "o"),
            buffer[3] == UInt8(ascii: "m"), buffer[4] == 0x20
        {
            index = min(newline(in: buffer, from: 0) + 1, end)
        }
        while index < end {
            let lineEnd = newline(in: buffer, from: index)
            var contentEnd = lineEnd
            if contentEnd > index, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = min(lineEnd + 1, end)
            if contentEnd == index {
                // The blank line: the body follows.
                flush()
                guard !headers.isEmpty else { return .failure(.noHeaders) }
                return .success((headers, next))
            }
            let first = buffer[index]
            if first == 0x20 || first == 0x09 {
                if pendingName != nil {
                    if !isFolded {
                        folded.removeAll(keepingCapacity: true)
                        folded.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[pendingValue]))
                        isFolded = true
                    }
                    folded.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<contentEnd]))
                } else {
                    warnings.append(.malformedHeaderLine(offset: index))
                }
                index = next
                continue
            }
            // A field name: printable ASCII without spaces, up to the first colon.
            var colon = index
            var validName = true
            while colon < contentEnd, buffer[colon] != UInt8(ascii: ":") {
                let byte = buffer[colon]
                if byte <= 0x20 || byte >= 0x7F { validName = false }
                colon += 1
            }
            if colon < contentEnd, colon > index, validName {
                flush()
                pendingName = lowercasedASCII(UnsafeBufferPointer(rebasing: buffer[index..<colon]))
                var valueStart = colon + 1
                while valueStart < contentEnd, buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09 { valueStart += 1 }
                pendingValue = valueStart..<contentEnd
                index = next
                continue
            }
            // Not a header line and no blank line before it.
            flush()
            guard !headers.isEmpty else { return .failure(.noHeaders) }
            warnings.append(.missingHeaderBodySeparator(offset: index))
            return .success((headers, index))
        }
        flush()
        guard !headers.isEmpty else { return .failure(.noHeaders) }
        return .success((headers, end))
    }

    private static func containsNUL(_ text: inout String) -> Bool {
        text.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }
    }

    /// The offset of the next line feed at or after `start`, or the buffer's end.
    @inline(__always)
    static func newline(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress, start < buffer.count,
            let found = memchr(base + start, 0x0A, buffer.count - start)
        else { return buffer.count }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// ASCII bytes lower-cased into a string (header names).
    private static func lowercasedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { output in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                output[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }

    /// Header bytes as text: UTF-8 (RFC 6532), or Windows-1252 for the raw
    /// 8-bit headers old clients send. NUL bytes are dropped.
    private static func decodeHeaderBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var asciiWithoutNUL = true
        for byte in bytes where byte >= 0x80 || byte == 0 {
            asciiWithoutNUL = false
            break
        }
        if asciiWithoutNUL { return String(decoding: bytes, as: UTF8.self) }
        let clean = bytes.contains(0) ? bytes.filter { $0 != 0 } : Array(bytes)
        if let text = clean.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) { return text }
        var ignored: [MailWarning] = []
        return Charsets.decode(clean[...], charset: "windows-1252", warnings: &ignored)
    }
}

/// Walks a MIME tree and collects the body text and attachment metadata.
private struct PartCollector {
    let parser: MailParser
    var plain: String?
    var html: String?
    var attachments: [MailAttachment] = []

    init(parser: MailParser) { self.parser = parser }

    mutating func visit(headers: [MailHeader], body: ArraySlice<UInt8>, depth: Int, warnings: inout [MailWarning]) {
        func first(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        let contentType = HeaderValues.parameterized(first("content-type") ?? "text/plain")
        let mediaType = contentType.value.isEmpty || !contentType.value.utf8.contains(UInt8(ascii: "/"))
            ? "text/plain" : contentType.value
        let disposition = first("content-disposition").map(HeaderValues.parameterized)
        let encoding = (first("content-transfer-encoding") ?? "7bit").asciiTrimmed.asciiLowercased

        if mediaType.hasPrefix("multipart/") {
            guard depth < parser.maxNestingDepth else {
                warnings.append(.nestingTooDeep(limit: parser.maxNestingDepth))
                return
            }
            guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
                // No boundary: read the body as text.
                visitLeaf(mediaType: "text/plain", contentType: contentType.parameters, disposition: nil,
                    encoding: encoding, headers: headers, body: body, warnings: &warnings)
                return
            }
            for part in Self.splitMultipart(body, boundary: boundary, warnings: &warnings) {
                var partWarnings: [MailWarning] = []
                guard let (partHeaders, partBodyStart) = try? MailParser.readHeaders(part, warnings: &partWarnings) else {
                    // A part with no headers is text/plain (RFC 2046 §5.1.1 default).
                    let bodyOnly = part.first == 0x0A ? part.dropFirst() : part
                    visit(headers: [], body: bodyOnly, depth: depth + 1, warnings: &warnings)
                    continue
                }
                warnings += partWarnings
                visit(headers: partHeaders, body: part[partBodyStart...], depth: depth + 1, warnings: &warnings)
            }
            return
        }
        visitLeaf(mediaType: mediaType, contentType: contentType.parameters, disposition: disposition,
            encoding: encoding, headers: headers, body: body, warnings: &warnings)
    }

    private mutating func visitLeaf(
        mediaType: String, contentType: [String: String], disposition: (value: String, parameters: [String: String])?,
        encoding: String, headers: [MailHeader], body: ArraySlice<UInt8>, warnings: inout [MailWarning]
    ) {
        let isAttachment = disposition?.value == "attachment"
            || disposition?.parameters["filename"] != nil || contentType["name"] != nil
        let isText = mediaType == "text/plain" || mediaType == "text/html"
        if isText, !isAttachment, (mediaType == "text/plain" ? plain : html) == nil {
            var raw = body
            if raw.count > parser.maxTextPartSize {
                raw = raw.prefix(parser.maxTextPartSize)
                warnings.append(.bodyTruncated(limit: parser.maxTextPartSize))
            }
            let decoded = decodeTransfer(raw, encoding: encoding, warnings: &warnings)
            let text = Charsets.decode(decoded, charset: contentType["charset"] ?? "", warnings: &warnings)
            if mediaType == "text/plain" { plain = text } else { html = text }
            return
        }
        let size: Int
        switch encoding {
        case "base64":
            let significant = body.reduce(0) { count, byte in
                count + (byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == UInt8(ascii: "=") ? 0 : 1)
            }
            size = significant * 3 / 4
        case "quoted-printable":
            size = TransferEncoding.decodeQuotedPrintable(body).bytes.count
        default:
            size = body.count
        }
        let filename = (disposition?.parameters["filename"] ?? contentType["name"]).map(HeaderValues.decodeEncodedWords)
        let contentID = headers.first { $0.name == "content-id" }.map { HeaderValues.messageIDs($0.value).ids.first ?? $0.value }
        attachments.append(MailAttachment(
            filename: filename, contentType: mediaType, size: size, contentID: contentID, disposition: disposition?.value))
    }

    private func decodeTransfer(_ body: ArraySlice<UInt8>, encoding: String, warnings: inout [MailWarning])
        -> ArraySlice<UInt8>
    {
        switch encoding {
        case "base64":
            let (bytes, damaged) = TransferEncoding.decodeBase64(body)
            if damaged { warnings.append(.damagedBase64(offset: body.startIndex)) }
            return bytes[...]
        case "quoted-printable":
            let (bytes, damaged) = TransferEncoding.decodeQuotedPrintable(body)
            if damaged { warnings.append(.damagedQuotedPrintable(offset: body.startIndex)) }
            return bytes[...]
        default:
            return body
        }
    }

    /// The parts between `--boundary` delimiter lines (RFC 2046 §5.1.1); the
    /// preamble and epilogue are dropped. An unclosed multipart keeps its last part.
    static func splitMultipart(_ body: ArraySlice<UInt8>, boundary: String, warnings: inout [MailWarning])
        -> [ArraySlice<UInt8>]
    {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        let end = body.endIndex
        var closed = false
        while lineStart < end {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? end
            if body[lineStart..<lineEnd].starts(with: delimiter) {
                if let start = partStart {
                    // The line break before the delimiter belongs to the delimiter.
                    var partEnd = lineStart
                    if partEnd > start, body[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > start, body[partEnd - 1] == 0x0D { partEnd -= 1 }
                    parts.append(body[start..<max(start, partEnd)])
                }
                let afterDelimiter = lineStart + delimiter.count
                if afterDelimiter + 1 < end, body[afterDelimiter] == UInt8(ascii: "-"), body[afterDelimiter + 1] == UInt8(ascii: "-") {
                    closed = true
                    break
                }
                partStart = min(lineEnd + 1, end)
            }
            lineStart = lineEnd + 1
        }
        if !closed {
            warnings.append(.unterminatedMultipart(boundary: boundary))
            if let start = partStart, start < end { parts.append(body[start..<end]) }
        }
        return parts
    }
}
