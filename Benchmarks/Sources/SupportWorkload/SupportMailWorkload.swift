import BenchmarkRandom
import Conversation
import CustomerModel
import Foundation

/// A deterministic generator of realistic multilingual support mail, with the
/// true thread of every message, for the threading and search benchmarks.
///
/// What it models:
/// - threads of Zipf-distributed size (s = 1.3, 1 to 40 messages): most tickets
///   are a question and an answer, a few run long;
/// - customers with several tickets over time (new issues from the same
///   customer), some with the same generic subject ("Order status",
///   "Orderstatus", "Tilauksen tila", …) as each other and as other customers;
/// - desk replies with full headers (no ticket tag: tags name the engine's own
///   ticket numbers, which a pre-generated corpus cannot know); customer replies with
///   2–3 References, from clients that drop References (12 %), In-Reply-To
///   (4 %), or both (6 %), and localized reply prefixes (Re, SV, VS, AW, R, Antw…);
/// - arrival in time order, threads interleaved over 90 days;
/// - every reply quoting the start of the message it answers under an
///   "On … wrote:" line (kept apart in `quotedText`, as the parser would);
///   first messages quote nothing.
public struct SupportMailWorkload: Sendable {
    /// The messages, in arrival order, with party set.
    public var messages: [SupportMessage]
    /// The true thread (an index) of each message.
    public var truth: [Int32]
    /// The customers (parties) that wrote.
    public var customers: [PartyID]

    static let languages: [(prefix: String, subjects: [String], words: [String])] = [
        ("Re", ["Order status", "Return", "Refund", "Delivery question", "Damaged item"],
         ["order", "parcel", "refund", "return", "delivery", "tracking", "size", "jacket", "shoes", "please", "thanks", "when"]),
        ("SV", ["Orderstatus", "Retur", "Återbetalning", "Leverans"],
         ["order", "paket", "återbetalning", "returnera", "leverans", "storlek", "jacka", "skor", "tack", "när"]),
        ("VS", ["Tilauksen tila", "Palautus", "Hyvitys", "Toimitus"],
         ["tilaus", "paketti", "palautus", "hyvitys", "toimitus", "koko", "takki", "kengät", "kiitos", "milloin"]),
        ("AW", ["Bestellstatus", "Rücksendung", "Erstattung", "Lieferung"],
         ["bestellung", "paket", "erstattung", "rücksendung", "lieferung", "größe", "jacke", "schuhe", "danke", "wann"]),
        ("R", ["Stato ordine", "Reso", "Rimborso", "Consegna"],
         ["ordine", "pacco", "rimborso", "reso", "consegna", "taglia", "giacca", "scarpe", "grazie", "quando"]),
        ("SV", ["Ordrestatus", "Returnering", "Tilbagebetaling"],
         ["ordre", "pakke", "tilbagebetaling", "returnere", "levering", "størrelse", "jakke", "sko", "tak", "hvornår"]),
        ("Antw", ["Bestelstatus", "Retour", "Terugbetaling"],
         ["bestelling", "pakket", "terugbetaling", "retour", "levering", "maat", "jas", "schoenen", "bedankt", "wanneer"]),
    ]

    /// Generates `count` messages from seed `seed`.
    public init(count: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let customerCount = max(1, count / 8)
        customers = (0..<customerCount).map { PartyID("c\($0)") }
        let span = 90.0 * 86_400
        let start = Date(timeIntervalSince1970: 1_760_000_000).timeIntervalSinceReferenceDate

        struct Draft {
            var message: SupportMessage
            var thread: Int32
            var time: Double
        }
        var drafts: [Draft] = []
        drafts.reserveCapacity(count + 40)
        var thread: Int32 = 0
        while drafts.count < count {
            let size = min(40, random.zipf(s: 1.3, max: 40))
            let customerIndex = Int(random.next() % UInt64(customerCount))
            let customer = customers[customerIndex]
            // A customer writes in one language.
            let language = Self.languages[customerIndex % Self.languages.count]
            let generic = random.next() % 100 < 35
            let subject = generic
                ? language.subjects[Int(random.next() % UInt64(language.subjects.count))]
                : "\(language.subjects[Int(random.next() % UInt64(language.subjects.count))]) \(100_000 + random.next() % 900_000)"
            var time = start + random.unit() * span
            var ids: [String] = []
            var referencesOf: [[String]] = []
            var texts: [String] = []
            for position in 0..<size {
                let id = "t\(thread).m\(position).\(random.next() % 1_000_000)@\(position % 2 == 0 ? "mail.example" : "shop.example")"
                let fromDesk = position % 2 == 1
                var inReplyTo: [String] = []
                var references: [String] = []
                var messageSubject = subject
                var quoted: String?
                if position > 0 {
                    // Mostly the latest message; sometimes an earlier one.
                    let parent = random.next() % 100 < 85 ? position - 1 : Int(random.next() % UInt64(position))
                    // The reply quotes the message it answers, as mail clients do (below the new text).
                    let parentAuthor = parent % 2 == 1 ? "the shop" : customer.rawValue
                    quoted = "On Monday \(parentAuthor) wrote:\n> " + texts[parent].prefix(60)
                    inReplyTo = [ids[parent]]
                    references = Array((referencesOf[parent] + [ids[parent]]).suffix(2 + Int(random.next() % 2)))
                    messageSubject = fromDesk ? "Re: \(subject)" : "\(language.prefix): \(subject)"
                    if !fromDesk {
                        let client = random.next() % 100
                        if client < 12 { references = [] } else if client < 16 { inReplyTo = [] } else if client < 22 {
                            references = []
                            inReplyTo = []
                        }
                    }
                }
                ids.append(id)
                referencesOf.append(references)
                let words = (0..<(6 + Int(random.next() % 10))).map { _ in
                    language.words[Int(random.next() % UInt64(language.words.count))]
                }
                let text = words.joined(separator: " ")
                texts.append(text)
                // Pre-parsed as `SupportMessage(mail:)` would give it: the new text, and the quote apart.
                let message = SupportMessage(
                    id: MessageID(id), channel: .email, direction: fromDesk ? .outbound : .inbound,
                    person: customer, party: customer, sentAt: Date(timeIntervalSinceReferenceDate: time),
                    subject: messageSubject, text: text, quotedText: quoted,
                    headers: ThreadingHeaders(messageID: id, inReplyTo: inReplyTo, references: references))
                drafts.append(Draft(message: message, thread: thread, time: time))
                time += 600 + random.unit() * 2 * 86_400
            }
            thread += 1
        }
        drafts.sort { $0.time < $1.time }
        if drafts.count > count { drafts.removeLast(drafts.count - count) }
        messages = drafts.map(\.message)
        truth = drafts.map(\.thread)
    }

    /// A directory that knows every customer.
    public func directory() -> SingleBuyerDirectory {
        var directory = SingleBuyerDirectory()
        let at = Date(timeIntervalSince1970: 1_760_000_000)
        for customer in customers {
            try? directory.add(Customer(id: customer, profile: PartyProfile(displayName: customer.rawValue)), at: at)
        }
        return directory
    }

    /// The messages as one mbox file (RFC 5322 with MIME headers; a fifth of
    /// the bodies quoted-printable, some with an encoded-word subject).
    public func mbox() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(messages.count * 700)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 3_600)
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        for (index, message) in messages.enumerated() {
            // The desk's replies go to the customer (a desk reads its own mail's customer from To:).
            let customer = "\(message.party?.rawValue ?? "x") <\(message.party?.rawValue ?? "x")@customer.example>"
            let desk = "Shop Support <support@shop.example>"
            let (from, to) = message.direction == .outbound ? (desk, customer) : (customer, desk)
            var text = "From sender@example \(formatter.string(from: message.sentAt))\n"
            text += "From: \(from)\nTo: \(to)\nDate: \(formatter.string(from: message.sentAt))\n"
            text += "Message-ID: <\(message.id.rawValue)>\n"
            if !message.headers.inReplyTo.isEmpty { text += "In-Reply-To: <\(message.headers.inReplyTo[0])>\n" }
            if !message.headers.references.isEmpty {
                text += "References: " + message.headers.references.map { "<\($0)>" }.joined(separator: "\n ") + "\n"
            }
            let quoted = index % 5 == 0
            text += index % 7 == 0
                ? "Subject: =?UTF-8?Q?\(message.subject.replacingOccurrences(of: " ", with: "_"))?=\n"
                : "Subject: \(message.subject)\n"
            text += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            text += "Content-Transfer-Encoding: \(quoted ? "quoted-printable" : "8bit")\n\n"
            text += message.text + "\n\n" + (message.quotedText.map { $0 + "\n\n" } ?? "")
            out.append(contentsOf: text.utf8)
        }
        return out
    }
}

/// Pairwise precision, recall and F1 of a clustering against the truth.
public struct PairwiseScore: Sendable {
    /// Of the message pairs put in one thread, the share that truly are.
    public var precision: Double
    /// Of the message pairs truly in one thread, the share put in one.
    public var recall: Double
    /// Their harmonic mean.
    public var f1: Double

    /// Scores `predicted` against `truth` (same length, any labels).
    public init<P: Hashable>(predicted: [P], truth: [Int32]) {
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        var cells: [Pair<P>: Int] = [:]
        var predictedSizes: [P: Int] = [:]
        var truthSizes: [Int32: Int] = [:]
        for (p, t) in zip(predicted, truth) {
            cells[Pair(predicted: p, truth: t), default: 0] += 1
            predictedSizes[p, default: 0] += 1
            truthSizes[t, default: 0] += 1
        }
        let together = cells.values.reduce(0) { $0 + pairs($1) }
        let predictedPairs = predictedSizes.values.reduce(0) { $0 + pairs($1) }
        let truePairs = truthSizes.values.reduce(0) { $0 + pairs($1) }
        precision = predictedPairs == 0 ? 1 : together / predictedPairs
        recall = truePairs == 0 ? 1 : together / truePairs
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    private struct Pair<P: Hashable>: Hashable {
        let predicted: P
        let truth: Int32
    }
}

