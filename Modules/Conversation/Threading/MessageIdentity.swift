import CustomerModel

/// When a message with a known Message-ID is the same message, and what id a different one
/// is stored under.
///
/// A Message-ID is chosen by the sender's software, so a stranger can choose one of another
/// customer's. A desk therefore treats a known id as a re-delivery only when the sender and the
/// content are the same as the stored message's (``isRedelivery(_:of:)``); anything else is a
/// different message, kept under ``derivedID(for:)`` with its original header value in
/// ``ThreadingHeaders/messageID``, and threaded as its own sender's message.
public enum MessageIdentity {
    /// A digest of what makes a message the same message: its author, its subject, the length
    /// of its new and quoted text, and the first and last 64 bytes of the new text. Headers a
    /// relay adds or rewrites (Received, DKIM, the delivery time) are left out, so a mail
    /// delivered twice has one digest.
    ///
    /// Sampled rather than whole so that the batch engine (``HelpdeskThreading``) can keep one
    /// per message on its hot path, and both paths decide alike. What it must tell apart is the
    /// same sender's client reusing an id for a new message (another subject, length or
    /// opening); a different sender is a different message whatever the digest says.
    public static func contentDigest(_ message: borrowing SupportMessage) -> UInt64 {
        var digest = MessageFingerprint(high: 0x5375_7070_6F72_744B, low: 0x4964_656E_7469_7479)
        digest.mixIn(Self.fingerprint(message.author?.value ?? ""))
        digest.mixIn(Self.fingerprint(message.subject))
        digest.mixIn(UInt64(message.text.utf8.count) &<< 32 | UInt64(truncatingIfNeeded: message.quotedText?.utf8.count ?? 0))
        let sampled: UInt64? = message.text.utf8.withContiguousStorageIfAvailable { bytes in
            let head = MessageFingerprint(contiguous: UnsafeBufferPointer(rebasing: bytes.prefix(64)))
            let tail = MessageFingerprint(contiguous: UnsafeBufferPointer(rebasing: bytes.suffix(64)))
            return head.high ^ (tail.low &* 0x9E37_79B9_7F4A_7C15)
        }
        if let sampled {
            digest.mixIn(sampled)
        } else {
            let bytes = Array(message.text.utf8)
            digest.mixIn(MessageFingerprint(bytes.prefix(64)).high ^ (MessageFingerprint(bytes.suffix(64)).low &* 0x9E37_79B9_7F4A_7C15))
        }
        return digest.high ^ digest.low
    }

    private static func fingerprint(_ text: String) -> UInt64 {
        let fingerprint = text.utf8.withContiguousStorageIfAvailable { MessageFingerprint(contiguous: $0) } ?? MessageFingerprint(Array(text.utf8))
        return fingerprint.high
    }

    /// Whether `message` is a re-delivery of `stored`: both are the desk's own (outbound: the
    /// desk chose the id, and a copy of its reply may come back in another form, such as an
    /// outbox line), or they have the same author (both unknown counts as the same) and the
    /// same content digest.
    public static func isRedelivery(_ message: SupportMessage, of stored: SupportMessage) -> Bool {
        isSameMessage(identityWord(message), identityWord(stored)) && message.author == stored.author
            || message.direction == .outbound && stored.direction == .outbound
    }

    /// One word per message for the batch engine: the content digest with its lowest bit
    /// replaced by whether the message is the desk's own.
    public static func identityWord(_ message: borrowing SupportMessage) -> UInt64 {
        contentDigest(message) & ~1 | (message.direction == .outbound ? 1 : 0)
    }

    /// Whether two identity words name the same message (``isRedelivery(_:of:)`` on words).
    public static func isSameMessage(_ a: UInt64, _ b: UInt64) -> Bool { a == b || a & b & 1 == 1 }

    /// The id a message is stored under when its Message-ID is already another message's: the
    /// claimed id, `#`, and the content digest in 16 hex digits. Deterministic, so the same
    /// colliding message delivered twice is still one message.
    public static func derivedID(for message: SupportMessage) -> MessageID {
        let claimed = message.headers.messageID ?? message.id.rawValue
        let hex = String(contentDigest(message), radix: 16)
        return MessageID("\(claimed)#\(String(repeating: "0", count: 16 - hex.count))\(hex)")
    }
}

extension SupportMessage {
    /// The id the threading index keys this message by: its Message-ID header, unless the desk
    /// stored it under a derived id (``MessageIdentity/derivedID(for:)``, when the header's id
    /// was already another message's), in which case the derived id, so that the other
    /// message's index entry is never claimed.
    public var indexedID: String {
        guard let header = headers.messageID else { return id.rawValue }
        return id.rawValue.hasPrefix(header + "#") ? id.rawValue : header
    }
}
