import Conversation
import CustomerModel
import Foundation

/// The desk-address trap: a mailbox threaded without the desk's own address reads every reply
/// the desk sent as a customer's mail, and because one "customer" (the desk) then writes to
/// everybody, its replies join unrelated customers' tickets to its own. The sign is plain in the
/// headers: one sender writing to many different people. ``likelyDeskAddress(in:parser:)`` finds
/// that sender so a tool can warn before (or while) it threads.
public enum DeskAddressCheck {
    /// A sender that looks like the desk: it wrote to `recipients` different addresses.
    public struct Suspect: Hashable, Sendable, CustomStringConvertible {
        /// The sender's address (normalised).
        public var address: String
        /// How many different addresses it wrote to.
        public var recipients: Int
        /// How many messages it sent.
        public var messages: Int

        /// The warning a tool prints, naming the address and the option that fixes it.
        public var description: String {
            "\(address) wrote to \(recipients) different addresses (\(messages) messages): it is likely the desk's own address."
                + " Without --desk-address its replies are threaded as a customer's mail and join unrelated customers'"
                + " tickets; run again with --desk-address \(address)"
        }
    }

    /// The sender that wrote to the most different To/Cc addresses, when it wrote to at least
    /// `minimumRecipients` of them and to at least twice as many as any other sender — a
    /// customer writes to the shop, the shop writes to its customers. Nil when no sender stands
    /// out (a mailbox of one customer's mail, or mail already given its desk address).
    ///
    /// Best effort on bad input: a mail that does not parse is left out of the count.
    public static func likelyDeskAddress(
        in mails: some Sequence<RawMail>, parser: MailParser = MailParser(), minimumRecipients: Int = 3
    ) -> Suspect? {
        var recipients: [String: Set<String>] = [:]
        var sent: [String: Int] = [:]
        for raw in mails {
            guard let mail = try? parser.parse(raw.bytes), let from = mail.from.first.map({ normalised($0.address) }) else {
                continue
            }
            sent[from, default: 0] += 1
            for to in mail.to + mail.cc {
                let address = normalised(to.address)
                if address != from { recipients[from, default: []].insert(address) }
            }
        }
        let ranked = recipients.map { (address: $0.key, count: $0.value.count) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.address < $1.address
        }
        guard let top = ranked.first, top.count >= minimumRecipients else { return nil }
        if ranked.count > 1, ranked[1].count * 2 > top.count { return nil }
        return Suspect(address: top.address, recipients: top.count, messages: sent[top.address] ?? 0)
    }

    private static func normalised(_ address: String) -> String {
        (try? ContactPoint.email(address))?.value ?? address.lowercased()
    }
}
