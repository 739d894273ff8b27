import Conversation
import CustomerModel
import Foundation
import Policy
import Storage
import SupportDesk
import TestSupport

/// What an act gave, comparable across stores (sequence numbers and texts aside).
public enum DeskActOutcome: Equatable, Sendable {
    case stored(thread: ThreadID, rule: ThreadingRule)
    case duplicate(thread: ThreadID)
    case rejected
    case done
    case failed(StorageError)
}

/// The system-of-record property every backend must keep (issue 10's property test), runnable
/// against any ``SupportStore``: random desk acts — ingest of mail and of chat and call notes,
/// agent merges, splits and their undo, identity merges and their undo, status and tag updates,
/// erasure, retention and reopening — against the in-memory reference store and the subject
/// give the same outcomes and the same threads; no thread ever holds a message of a party that
/// may not see it; and the thread rows equal the event log's projection.
///
/// ```swift
/// let failures = try await DeskProperties.randomActs(open: { try MyStore(at: path) }, close: { try await $0.close() })
/// #expect(failures.isEmpty, "\(failures)")
/// ```
public enum DeskProperties {
    static let deskAddress: Set<ContactPoint> = { (try? ContactPoint.email("support@shop.example")).map { [$0] } ?? [] }()

    static func mail(_ text: String) -> RawMail { RawMail(bytes: Array((text + "\n").utf8), source: "property") }

    /// The customers the random acts write as.
    public static let customers = (0..<12).map { "c\($0)@shop\($0 % 3).example" }
    /// The subjects their mail uses.
    public static let subjects = ["Return", "Where is my parcel", "Refund", "Invoice", "Order status", "Broken item"]

    /// Runs `operations` random desk acts (seeded by `seed`) on the in-memory reference store and
    /// on `subject`, reopening the subject now and then with `open`, and returns every broken
    /// expectation (empty when the subject behaves as the reference). `open` must give the same
    /// store each time (a reopen: a new process on the same file or database).
    public static func randomActs<Subject: SupportStore>(
        operations: Int = 10_000, seed: UInt64 = 0x5EED_DE5C, open: () async throws -> Subject, close: (Subject) async throws -> Void
    ) async throws -> [String] {
        var failures: [String] = []
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition, failures.count < 50 { failures.append(message()) }
        }
        var random = SplitMix64(seed: seed)
        let memory = Desk(store: InMemorySupportStore(), directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        var subject = Desk(store: try await open(), directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        var clock = Date(timeIntervalSince1970: 1_740_787_200)
        var sent: [String] = []
        var identityMerged = Set<PartyID>()
        var quotes: [String: String] = [:]
        var merges: [PartyID] = []
        let rules = try PrivacyRules(policy: PrivacyPolicy(retention: [RetentionRule(category: .messages, afterMonths: 2, action: .delete)]))

        for step in 0..<operations {
            clock = clock.addingTimeInterval(Double(600 + random.below(6 * 3_600)))
            let tickets = UInt64(max(1, sent.count / 2 + 2))
            let roll = random.below(100)
            let context = "seed \(seed), step \(step), roll \(roll)"
            switch roll {
            case 0..<50:
                let raw = Self.randomMail(&random, sent: &sent, tickets: tickets, at: clock, quotes: &quotes)
                let (a, b) = (try await memory.ingest(raw, receivedAt: clock), try await subject.ingest(raw, receivedAt: clock))
                expect(Self.outcome(a) == Self.outcome(b), "\(context)")
                if let broken = try await Self.brokenPlacement(b, subject.store, context) { expect(false, broken) }
            case 50..<60:
                let message = Self.randomChat(&random, sent: &sent, at: clock)
                let (a, b) = (try await memory.ingest(message), try await subject.ingest(message))
                expect(Self.outcome(a) == Self.outcome(b), "\(context)")
                if let broken = try await Self.brokenPlacement(b, subject.store, context) { expect(false, broken) }
            case 60..<68:
                let (from, into) = (ThreadID(UInt64(1 + random.below(Int(tickets)))), ThreadID(UInt64(1 + random.below(Int(tickets)))))
                let a = await Self.act { () async throws(StorageError) in try await memory.merge(from, into: into, agent: "a", at: clock) }
                let b = await Self.act { () async throws(StorageError) in try await subject.merge(from, into: into, agent: "a", at: clock) }
                expect(a == b, "\(context): merge \(from) into \(into)")
            case 68..<72:
                let thread = ThreadID(UInt64(1 + random.below(Int(tickets))))
                let a = await Self.act { () async throws(StorageError) in try await memory.undoMerge(thread, agent: "a", at: clock) }
                let b = await Self.act { () async throws(StorageError) in try await subject.undoMerge(thread, agent: "a", at: clock) }
                expect(a == b, "\(context): unmerge \(thread)")
            case 72..<77:
                let thread = ThreadID(UInt64(1 + random.below(Int(tickets))))
                let messages = try await subject.store.thread(thread)?.messageIDs ?? []
                let chosen = messages.isEmpty ? [MessageID("none")] : [messages[random.below(messages.count)]]
                let a = await Self.act { () async throws(StorageError) in
                    _ = try await memory.split(chosen, from: thread, agent: "a", at: clock)
                    return []
                }
                let b = await Self.act { () async throws(StorageError) in
                    _ = try await subject.split(chosen, from: thread, agent: "a", at: clock)
                    return []
                }
                expect(a == b, "\(context): split \(chosen) off \(thread)")
            case 77..<80:
                let thread = ThreadID(UInt64(1 + random.below(Int(tickets))))
                let a = await Self.act { () async throws(StorageError) in try await memory.undoSplit(thread, agent: "a", at: clock) }
                let b = await Self.act { () async throws(StorageError) in try await subject.undoSplit(thread, agent: "a", at: clock) }
                expect(a == b, "\(context): unsplit \(thread)")
            case 80..<84:
                let (one, other) = (PartyID(Self.customers[random.below(12)]), PartyID(Self.customers[random.below(12)]))
                let a = await Self.act { () async throws(StorageError) in
                    try await memory.mergeIdentity(one, into: other, agent: "a", reason: "test", at: clock)
                }
                let b = await Self.act { () async throws(StorageError) in
                    try await subject.mergeIdentity(one, into: other, agent: "a", reason: "test", at: clock)
                }
                expect(a == b, "\(context): identity \(one) into \(other)")
                if b == .done {
                    identityMerged.formUnion([one, other])
                    merges.append(one)
                }
            case 84..<86:
                let one = merges.isEmpty ? PartyID(Self.customers[0]) : merges[random.below(merges.count)]
                let a = await Self.act { () async throws(StorageError) in try await memory.undoIdentityMerge(one, agent: "a", at: clock) }
                let b = await Self.act { () async throws(StorageError) in try await subject.undoIdentityMerge(one, agent: "a", at: clock) }
                expect(a == b, "\(context): identity undo \(one)")
            case 86..<91:
                let thread = ThreadID(UInt64(1 + random.below(Int(tickets))))
                let status = ThreadStatus.allCases[random.below(ThreadStatus.allCases.count)]
                let tag = "t\(random.below(4))"
                let a = await Self.act { () async throws(StorageError) in
                    try await memory.update(thread, status: status, addTags: [tag], agent: "a", at: clock)
                }
                let b = await Self.act { () async throws(StorageError) in
                    try await subject.update(thread, status: status, addTags: [tag], agent: "a", at: clock)
                }
                expect(a == b, "\(context): update \(thread)")
            case 91..<93:
                let party = PartyID(Self.customers[random.below(12)])
                for store in [AnySupportStore(memory.store), AnySupportStore(subject.store)] {
                    let executor = StorePrivacyExecutor(store: store)
                    let decision = rules.erasure(of: party, records: try await executor.personalDataRecords(of: party), holds: [], at: clock)
                    _ = try await executor.apply(decision.actions)
                }
            case 93..<95:
                let cutoff = clock.addingTimeInterval(-62 * 86_400)
                var applied: [[String]] = []
                for store in [AnySupportStore(memory.store), AnySupportStore(subject.store)] {
                    let executor = StorePrivacyExecutor(store: store)
                    let decision = rules.retention(
                        records: try await executor.personalDataRecords(lastActiveBefore: cutoff), holds: [], at: clock)
                    applied.append(decision.actions.map(\.recordID).sorted())
                    _ = try await executor.apply(decision.actions)
                }
                expect(applied[0] == applied[1], "\(context): retention")
            default:
                // Reopen: the subject as a new process would see it.
                try await close(subject.store)
                subject = Desk(store: try await open(), directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
            }
        }

        // The same threads, message for message.
        let tickets = UInt64(sent.count + 10)
        var compared = 0
        for number in 1...tickets {
            let (a, b) = (try await memory.store.thread(ThreadID(number)), try await subject.store.thread(ThreadID(number)))
            expect(a == b, "ticket \(number) differs between the in-memory store and the subject")
            if a != nil { compared += 1 }
        }
        expect(compared > 100, "only \(compared) tickets compared")
        // Nobody's message in another's ticket (records never identity-merged: a merge lets one
        // person's records share tickets, and its undo does not move what arrived meanwhile).
        var cursor: Int64 = 0
        while true {
            let page = try await subject.store.messages(after: cursor, limit: 1_000)
            guard let last = page.last else { break }
            for row in page {
                guard let party = row.message.party, !identityMerged.contains(party) else { continue }
                let owner = try await subject.store.thread(row.thread)?.owner
                expect(owner == nil || owner == party, "\(row.message.id) of \(party) is in \(row.thread), owned by \(owner?.rawValue ?? "-")")
            }
            cursor = last.cursor
        }
        // The thread rows are the event log's projection.
        for store in [AnySupportStore(memory.store), AnySupportStore(subject.store)] {
            let projection = try await EventLogProjection.rebuild(from: store)
            for number in 1...tickets {
                let stored = try await store.thread(ThreadID(number))
                let rebuilt = projection.threads[ThreadID(number)]
                expect(Self.comparable(rebuilt) == Self.comparable(stored), "ticket \(number): projection differs from the row")
            }
        }
        return failures
    }

    /// A thread without what the log cannot carry for erased messages (see ``EventLogProjection``).
    public static func comparable(_ thread: SupportThread?) -> SupportThread? {
        guard var thread else { return nil }
        thread.subject = ""
        thread.participants = []
        return thread
    }

    /// A random mail from one of ``customers`` (or the desk): replies, ticket tags, reused ids, quoted text.
    public static func randomMail(
        _ random: inout SplitMix64, sent: inout [String], tickets: UInt64, at date: Date, quotes: inout [String: String]
    ) -> RawMail {
        let customer = customers[random.below(customers.count)]
        let outbound = random.below(10) == 0
        var subject = subjects[random.below(subjects.count)]
        var inReplyTo: String?
        if !sent.isEmpty, random.below(10) < 4 { inReplyTo = sent[random.below(sent.count)] }
        if inReplyTo != nil || random.below(5) == 0 { subject = "Re: " + subject }
        if random.below(10) == 0 { subject += " [#\(1 + random.below(Int(tickets)))]" }
        var id = "m\(sent.count)@\(outbound ? "shop.example" : customer.split(separator: "@")[1])"
        if !sent.isEmpty, random.below(20) == 0 { id = sent[random.below(sent.count)] } else { sent.append(id) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var text = """
            From: \(outbound ? "support@shop.example" : customer)
            To: \(outbound ? customer : "support@shop.example")
            Subject: \(subject)
            Date: \(formatter.string(from: date))
            Message-ID: <\(id)>
            """
        if let inReplyTo { text += "\nIn-Reply-To: <\(inReplyTo)>" }
        // A reply without headers quotes the customer's last mail, as a client that drops them does.
        let fresh = "Hello, this is \(customer) writing about order \(sent.count) and a parcel."
        var body = [fresh, "Thanks for your help!"]
        if let last = quotes[customer], inReplyTo == nil { body.append("On Monday \(customer) wrote:\n> \(last)\n\nStill waiting.") }
        let chosen = body[random.below(body.count)]
        if chosen == fresh, !outbound { quotes[customer] = fresh }
        return mail(text + "\n\n" + chosen)
    }

    /// A random chat message or call note from one of ``customers``.
    public static func randomChat(_ random: inout SplitMix64, sent: inout [String], at date: Date) -> SupportMessage {
        let customer = customers[random.below(customers.count)]
        let id = "chat:\(sent.count)"
        sent.append(id)
        let channel: Channel = random.below(2) == 0 ? .chat : .phone(.callNote)
        return SupportMessage(
            id: MessageID(id), channel: channel, direction: .inbound, author: try? .email(customer), sentAt: date,
            receivedAt: date, text: "Chat about my order \(random.below(500)).")
    }

    /// What an intake gave, comparable across stores.
    public static func outcome(_ intake: StoredIntake) -> DeskActOutcome {
        switch intake {
        case .stored(let intake): .stored(thread: intake.assignment.thread, rule: intake.assignment.rule)
        case .duplicate(_, let thread): .duplicate(thread: thread)
        case .rejected, .held: .rejected
        }
    }

    /// Runs an act and says how it ended (done, or the typed error).
    public static func act(_ body: () async throws(StorageError) -> [Int64]) async -> DeskActOutcome {
        do {
            _ = try await body()
            return .done
        } catch { return .failed(error) }
    }

    /// The placement check from outside: a stored message's thread is owned by its party (or a
    /// record merged with it).
    static func brokenPlacement<Subject: SupportStore>(_ intake: StoredIntake, _ store: Subject, _ context: String) async throws -> String? {
        guard case .stored(let stored) = intake else { return nil }
        let thread = stored.assignment.thread
        let party = stored.message.party
        let allowed = try await store.deskTransaction(firstTicketNumber: 1) { transaction in
            guard let owner = try transaction.currentThread(thread)?.owner else { return false }
            guard let party else { return owner == DeskTransaction.unowned }
            return try transaction.samePerson(owner, party)
        }
        return allowed ? nil : "\(context): \(stored.message.id) of \(party?.rawValue ?? "-") placed in \(thread)"
    }
}
