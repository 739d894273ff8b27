import Conversation
import CustomerModel
import Foundation
import Storage

/// Which mail from the desk's own addresses a desk takes as its own replies.
public enum DeskMailTrust: String, Hashable, Sendable, Codable {
    /// Live intake (SMTP, a webhook, a mail-server hook): the desk's replies are the ones it wrote
    /// and stored itself. Mail that only claims a desk address in its From header is held
    /// (``HeldMail``); a copy of a reply the desk wrote is a duplicate.
    case live
    /// A historical mailbox import (an mbox or Maildir that holds the desk's sent mail): mail
    /// from a desk address is the desk's reply to its first recipient, as the From header says.
    case history
}

/// A mail held for an agent because it claims to come from the desk without being one of the
/// desk's replies (a forged desk reply: `From: support@shop.example` with a Reply-To of the
/// sender's choosing). Kept as workflow record kind ``recordKind`` keyed by its Message-ID, with
/// a ``Storage/SupportEventKind/heldAsSuspicious(_:reason:)`` event; it never joins a ticket.
public struct HeldMail: Hashable, Sendable, Codable {
    /// The workflow record kind held mail is kept under.
    public static let recordKind = "held"

    /// The Message-ID it carries.
    public var messageID: String
    /// The From address it claims.
    public var from: String
    /// Its Reply-To addresses, where replies would really go.
    public var replyTo: [String]
    /// The recipient (the customer it was sent to, when it names one).
    public var to: String?
    /// The party holding that recipient's address, when one does (erasure removes the record with them).
    public var party: PartyID?
    /// The subject.
    public var subject: String
    /// Its Date header (or the time it was received).
    public var sentAt: Date
    /// The new text.
    public var text: String
    /// Why it was held.
    public var reason: String

    /// The outcome of a mail from a desk address that is a copy of a reply the desk stored, or nil.
    static func deskReply(_ parsed: ParsedDeskMail, in transaction: DeskTransaction) throws(StorageError) -> StoredIntake? {
        guard let stored = try transaction.storedMessage(parsed.message.id), stored.message.direction == .outbound else {
            return nil
        }
        return .duplicate(parsed.message.id, thread: stored.thread)
    }

    /// Holds `parsed` (idempotent on its Message-ID): the record and its event.
    static func hold(_ parsed: ParsedDeskMail, in transaction: DeskTransaction) throws(StorageError) -> HeldMail {
        let message = parsed.message
        var party: PartyID?
        if let recipient = parsed.customerAddress, let holder = try transaction.party(holding: recipient) {
            party = try transaction.primaryParty(of: holder)
        }
        let from = message.author?.value ?? ""
        let held = HeldMail(
            messageID: message.id.rawValue, from: from, replyTo: parsed.replyTo, to: parsed.customerAddress?.value,
            party: party, subject: message.subject, sentAt: message.sentAt, text: message.text,
            reason: "From claims the desk's address \(from), but the desk wrote no message with this Message-ID")
        if try transaction.workflowRecord(kind: recordKind, key: held.messageID) == nil {
            transaction.putWorkflowRecord(try .encoding(held, kind: recordKind, key: held.messageID, party: party))
            _ = try transaction.log([NewSupportEvent(
                at: message.sentAt, party: party, kind: .heldAsSuspicious(message.id, reason: held.reason))])
        }
        return held
    }
}

extension Desk {
    /// The mail held as suspicious, oldest first (see ``HeldMail``).
    public func heldMail() async throws(StorageError) -> [HeldMail] {
        try await act { transaction in
            var held: [HeldMail] = []
            for record in try transaction.workflowRecords(kind: HeldMail.recordKind) {
                held.append(try record.decoded(as: HeldMail.self))
            }
            return held.sorted { ($0.sentAt, $0.messageID) < ($1.sentAt, $1.messageID) }
        }
    }
}
