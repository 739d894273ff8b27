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
    /// A digest of what makes a message the same message: its author, subject, new text and
    /// quoted text. Headers a relay adds or rewrites (Received, DKIM, the delivery time) are left
    /// out, so a mail delivered twice has one digest.
    public static func contentDigest(_ message: SupportMessage) -> (high: UInt64, low: UInt64) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.subject.utf8.count + message.text.utf8.count + 64)
        bytes.append(contentsOf: (message.author?.description ?? "").utf8)
        bytes.append(0)
        bytes.append(contentsOf: message.subject.utf8)
        bytes.append(0)
        bytes.append(contentsOf: message.text.utf8)
        bytes.append(0)
        bytes.append(contentsOf: (message.quotedText ?? "").utf8)
        let fingerprint = MessageFingerprint(bytes)
        return (fingerprint.high, fingerprint.low)
    }

    /// Whether `message` is a re-delivery of `stored`: the same author (both unknown counts as
    /// the same) and the same content digest.
    public static func isRedelivery(_ message: SupportMessage, of stored: SupportMessage) -> Bool {
        message.author == stored.author && contentDigest(message) == contentDigest(stored)
    }

    /// The id a message is stored under when its Message-ID is already another message's: the
    /// claimed id, `#`, and 16 hex digits of the content digest. Deterministic, so the same
    /// colliding message delivered twice is still one message.
    public static func derivedID(for message: SupportMessage) -> MessageID {
        let claimed = message.headers.messageID ?? message.id.rawValue
        let digest = contentDigest(message)
        let hex = String(digest.high ^ digest.low, radix: 16)
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
