import CustomerModel
import Foundation

extension SupportMessage {
    /// The desk's message for a parsed e-mail: the new text separated from the
    /// quoted reply (``ReplyExtractor``), the author's address as a contact
    /// point (`nil` when it is not a valid address), and the threading headers.
    ///
    /// - Parameters:
    ///   - receivedAt: when the desk received it; the Date header, or this, is the sent time.
    ///   - direction: inbound unless the desk imports its own sent mail.
    public init(mail: MailMessage, receivedAt: Date, direction: MessageDirection = .inbound) {
        let (new, quoted) = ReplyExtractor.split(mail.text)
        self.init(
            id: MessageID(mail.messageID), channel: .email, direction: direction,
            author: mail.from.first.flatMap { try? ContactPoint.email($0.address) },
            sentAt: mail.date ?? receivedAt, receivedAt: receivedAt, subject: mail.subject, text: new,
            quotedText: quoted.isEmpty ? nil : quoted, html: mail.html,
            headers: ThreadingHeaders(messageID: mail.messageID, inReplyTo: mail.inReplyTo, references: mail.references),
            attachments: mail.attachments.map {
                AttachmentInfo(filename: $0.filename, contentType: $0.contentType, size: $0.size, contentID: $0.contentID)
            })
    }
}
