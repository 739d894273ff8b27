import Conversation
import Foundation

/// A hand-written mail, sent `minute` minutes after a fixed instant (2026-10-26 07:33 UTC).
public func hostileMail(
    from: String, to: String = "support@shop.example", subject: String, id: String, minute: Int, text: String,
    extra: [String] = []
) -> RawMail {
    let date = Date(timeIntervalSince1970: 1_793_000_000 + Double(minute) * 60)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    let headers = ["From: \(from)", "To: \(to)", "Subject: \(subject)", "Message-ID: <\(id)>", "Date: \(formatter.string(from: date))"] + extra
    return RawMail(bytes: Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n").utf8), source: id)
}

/// Writes hand-written mails as one mbox file.
public func writeMbox(_ mails: [RawMail], to url: URL) throws {
    var bytes: [UInt8] = []
    for mail in mails {
        bytes += Array("From sender Mon Nov  2 09:00:00 2026\n".utf8)
        bytes += mail.bytes.filter { $0 != 0x0D }
        bytes += [0x0A, 0x0A]
    }
    try Data(bytes).write(to: url)
}

/// The desk-address trap: five customers ask, and the shop answers each from `help@shop.example`
/// — which a desk not told its own address reads as one sender writing to five people.
public func deskAddressTrapMailbox() -> [RawMail] {
    var mails: [RawMail] = []
    for (index, customer) in ["ada", "bo", "cy", "di", "ed"].enumerated() {
        mails.append(hostileMail(
            from: "\(customer)@example.com", to: "help@shop.example", subject: "Order status", id: "q\(index)@example.com",
            minute: index * 10, text: "where is my order?"))
        mails.append(hostileMail(
            from: "Shop <help@shop.example>", to: "\(customer)@example.com", subject: "Re: Order status",
            id: "r\(index)@shop.example", minute: index * 10 + 5, text: "it is on its way",
            extra: ["In-Reply-To: <q\(index)@example.com>"]))
    }
    return mails
}
