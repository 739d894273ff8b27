import Conversation
import CustomerModel
import Foundation
import Localization
import Logging
import Policy
import Storage

/// What happened to one inbound or outbound message in the desk.
public struct DeskIntake: Sendable {
    /// The message as the desk keeps it (with its party and person resolved).
    public var message: SupportMessage
    /// Where threading put it, and why.
    public var assignment: ThreadAssignment
    /// Repairs the mail parser made (empty for messages of other channels).
    public var warnings: [MailWarning]
    /// The party record the message created (a new customer; a new stakeholder at an account's domain).
    public var newParty: StoredParty?
}

/// Why a mail could not be taken in.
public enum DeskIntakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not a mail message (see ``MailParseError``).
    case unparsable(path: String, offset: Int, MailParseError)

    public var description: String {
        switch self {
        case .unparsable(let path, let offset, let error): "\(path) at byte \(offset): \(error)"
        }
    }
}

/// What happened to one message given to a ``Desk``.
public enum StoredIntake: Sendable {
    /// Parsed, threaded and stored.
    case stored(DeskIntake)
    /// A message with this id was already stored; nothing changed.
    case duplicate(MessageID, thread: ThreadID)
    /// Not a mail message; nothing changed.
    case rejected(DeskIntakeError)
    /// Mail that claims one of the desk's addresses but is no reply the desk wrote (live intake):
    /// held for an agent (``HeldMail``, an event), never placed in a ticket.
    case held(HeldMail)

    /// The intake of a stored message.
    public var intake: DeskIntake? {
        if case .stored(let intake) = self { return intake }
        return nil
    }
}

/// A mail parsed for a desk: the message, and the customer's side of it — the sender of an
/// inbound mail, the first recipient of the desk's own (outbound) mail.
struct ParsedDeskMail: Sendable {
    var message: SupportMessage
    var warnings: [MailWarning]
    var customerAddress: ContactPoint?
    var customerName: String?
    /// The mail's From is one of the desk's addresses (it is outbound by that claim alone).
    var claimsDeskAddress = false
    /// The Reply-To addresses, as written (a forged desk reply names the forger's here).
    var replyTo: [String] = []

    init(_ raw: RawMail, parser: MailParser, deskAddresses: Set<ContactPoint>, receivedAt: Date) throws(DeskIntakeError) {
        let mail: MailMessage
        do { mail = try parser.parse(raw.bytes) } catch { throw .unparsable(path: raw.path, offset: raw.offset, error) }
        let author = mail.from.first.flatMap { try? ContactPoint.email($0.address) }
        let outbound = author.map { deskAddresses.contains($0) } ?? false
        message = SupportMessage(mail: mail, receivedAt: receivedAt, direction: outbound ? .outbound : .inbound)
        warnings = mail.warnings
        customerAddress = outbound ? mail.to.first.flatMap { try? ContactPoint.email($0.address) } : author
        customerName = outbound ? mail.to.first?.name : mail.from.first?.name
        claimsDeskAddress = outbound
        replyTo = mail.replyTo.map(\.address)
    }

    init(message: SupportMessage) {
        self.message = message
        warnings = []
        customerAddress = message.party == nil && message.direction == .inbound ? message.author : nil
        customerName = nil
    }

    /// A chat line, call note, SMS, social message, web form or bot turn: its customer is the
    /// event's contact point whatever its direction.
    init(event: ChannelEvent) {
        message = event.message
        warnings = []
        customerAddress = event.message.party == nil ? event.customer : nil
        customerName = event.customerName
    }
}

/// The support desk: one type for B2C and B2B, a thin and restartable layer over a store
/// (DESIGN.md, "The store is the system of record"). Everything it knows is in the store:
/// opening a desk reads nothing, and every act — a message in, a merge, a split, an identity
/// merge, a stakeholder move, a status change — is one store transaction of state and events.
///
/// The path of one message: parse (mail) and detect the language, outside the transaction;
/// then, inside it, resolve the customer through ``Directory`` (creating a party when the
/// configuration does), decide its thread with ``ThreadingRules`` over the store's threading
/// index, and record it (``DeskTransaction/record(_:decision:account:)``: the owner check, the
/// index changes, the thread, the message, the events). Ingest is idempotent on the message id.
///
/// ```swift
/// let store = try SQLiteSupportStore(path: "desk.sqlite")
/// let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")])
/// let outcome = try await desk.ingest(RawMail(bytes: mailBytes, source: "smtp"))
/// ```
public struct Desk<Store: SupportStore, Directory: DeskDirectory>: Sendable {
    /// The store: the system of record.
    public let store: Store
    /// The B2C or B2B configuration.
    public let directory: Directory
    /// The desk's own addresses (normalised); mail from them is outbound.
    public var deskAddresses: Set<ContactPoint>
    /// Which mail from ``deskAddresses`` is the desk's own: in live intake (the default) only the
    /// replies the desk wrote (``reply(to:template:arguments:agent:from:answering:)``), so mail that
    /// merely claims the address is held; a historical mailbox import trusts the From header.
    public var deskMail: DeskMailTrust = .live
    /// Threading's tuning; its ``ThreadingConfiguration/firstTicketNumber`` numbers the first
    /// ticket of a store that never handed one out.
    public var configuration: ThreadingConfiguration
    /// The parser used for every mail.
    public var parser = MailParser()
    /// Detects the language of messages that do not declare one (for search and routing).
    public var languageIdentifier: LanguageIdentifier
    /// The support policy: SLA clocks, calendars, returns, empowerment, routing (nil: SLA facts
    /// are kept, but no clock runs and no refund is decided).
    public var policy: CompiledSupportPolicy?
    /// The people who work the desk (routing and empowerment roles).
    public var agents: [DeskAgent] = []
    /// Canned replies by key, language and register.
    public var catalog: MessageCatalog?
    /// The chatbot: answers customers' messages to the bot, or hands them to a person.
    public var responder: (any Responder)?
    /// Live counters and timers through swift-metrics, recorded after each act commits (nil:
    /// none). A host bootstraps `MetricsSystem`; see ``DeskLiveMetrics``.
    public var liveMetrics: DeskLiveMetrics? = DeskLiveMetrics()
    /// Where the desk reports (docs/SupportDesk.md, "Logging"): each threading decision at
    /// `debug`, parse damage and rejected mail at `warning`, held mail at `notice`, a failed act at
    /// `error`; never a message's text at `info` or above. Silent by default.
    public var logger: Logger = Desk.silentLogger

    /// A desk over `store`. Reads nothing: every look-up happens in the transaction of the act
    /// that needs it. `deskMail` says which mail from `deskAddresses` is the desk's own
    /// (``DeskMailTrust``: live intake by default; `.history` to import a mailbox of sent mail).
    public init(
        store: Store, directory: Directory, deskAddresses: Set<ContactPoint> = [], deskMail: DeskMailTrust = .live,
        configuration: ThreadingConfiguration = ThreadingConfiguration(), languageIdentifier: LanguageIdentifier = .standard,
        logger: Logger = Desk.silentLogger
    ) {
        self.logger = logger
        self.store = store
        self.directory = directory
        self.deskAddresses = deskAddresses
        self.deskMail = deskMail
        self.configuration = configuration
        self.languageIdentifier = languageIdentifier
    }

    // MARK: Intake

    /// Takes in one mail (its bytes from a mailbox, SMTP or a webhook: ``RawMail/init(bytes:source:offset:)``).
    /// The message's time is its Date header; `receivedAt` is recorded beside it.
    ///
    /// - Throws: ``StorageError`` when the store fails; nothing is stored then.
    public func ingest(_ raw: RawMail, receivedAt: Date = Date()) async throws(StorageError) -> StoredIntake {
        try await ingest([raw], receivedAt: receivedAt)[0]
    }

    /// Takes in mails in order, in one transaction (an import): all of them or, on an error,
    /// none. The outcomes are in input order.
    ///
    /// - Throws: ``StorageError`` when the store fails.
    public func ingest(_ raws: [RawMail], receivedAt: Date = Date()) async throws(StorageError) -> [StoredIntake] {
        var parsed: [Result<ParsedDeskMail, DeskIntakeError>] = []
        parsed.reserveCapacity(raws.count)
        for raw in raws {
            do {
                parsed.append(.success(try ParsedDeskMail(raw, parser: parser, deskAddresses: deskAddresses, receivedAt: receivedAt)))
            } catch { parsed.append(.failure(error)) }
        }
        return try await take(parsed)
    }

    /// Takes in messages of any channel (a chat line, a call note, an SMS, a social DM, a web
    /// form, the bot's answer) in order, in one transaction. A message without a party is
    /// resolved from its ``SupportMessage/author`` (inbound); its time is its own ``SupportMessage/sentAt``.
    ///
    /// - Throws: ``StorageError`` when the store fails; nothing is stored then.
    public func ingest(_ messages: [SupportMessage]) async throws(StorageError) -> [StoredIntake] {
        try await take(messages.map { .success(ParsedDeskMail(message: $0)) })
    }

    /// Takes in one message of any channel (see ``ingest(_:)-([SupportMessage])``).
    public func ingest(_ message: SupportMessage) async throws(StorageError) -> StoredIntake {
        try await ingest([message])[0]
    }

    /// Takes in channel events (``ChannelEventReader``: chat, phone, SMS, social, web form, bot)
    /// in order, in one transaction: all or none. Each event's customer is resolved from its
    /// contact point, whatever its direction.
    ///
    /// - Throws: ``StorageError`` when the store fails; nothing is stored then.
    public func ingest(_ events: [ChannelEvent]) async throws(StorageError) -> [StoredIntake] {
        try await take(events.map { .success(ParsedDeskMail(event: $0)) })
    }

    private func take(_ inputs: [Result<ParsedDeskMail, DeskIntakeError>]) async throws(StorageError) -> [StoredIntake] {
        var prepared = inputs
        for index in prepared.indices {
            guard case .success(var parsed) = prepared[index], parsed.message.language == nil else { continue }
            let guess = languageIdentifier.identify(parsed.message.subject + "\n" + parsed.message.text)
            if guess.language != LanguageIdentifier.unknown { parsed.message.language = guess.language }
            prepared[index] = .success(parsed)
        }
        let ready = prepared
        let directory = directory
        let configuration = configuration
        let policy = policy
        let trust = deskMail
        let (outcomes, observed) = try await act("ingest") { transaction in
            var outcomes: [StoredIntake] = []
            outcomes.reserveCapacity(ready.count)
            let keeper = ServiceLevelKeeper(policy: policy, transaction: transaction)
            for input in ready {
                switch input {
                case .failure(let error): outcomes.append(.rejected(error))
                case .success(let parsed):
                    if trust == .live, parsed.claimsDeskAddress {
                        if let own = try HeldMail.deskReply(parsed, in: transaction) {
                            outcomes.append(own)
                        } else {
                            outcomes.append(.held(try HeldMail.hold(parsed, in: transaction)))
                        }
                        continue
                    }
                    let outcome = try Self.place(parsed, directory: directory, configuration: configuration, in: transaction)
                    if let intake = outcome.intake {
                        try Self.keepPlacement(intake.message, assignment: intake.assignment, in: transaction)
                        try keeper.advance(intake.assignment.thread, message: intake.message, at: intake.message.sentAt)
                        keeper.observed.message(intake.message)
                    }
                    outcomes.append(outcome)
                }
            }
            keeper.observed.held = outcomes.filter { if case .held = $0 { true } else { false } }.count
            return (outcomes, keeper.observed)
        }
        liveMetrics?.record(observed)
        for outcome in outcomes { log(outcome) }
        return outcomes
    }

    /// One message inside the transaction: resolve, decide, record.
    static func place(
        _ parsed: ParsedDeskMail, directory: Directory, configuration: ThreadingConfiguration, in transaction: DeskTransaction
    ) throws -> StoredIntake {
        var message = parsed.message
        var created: StoredParty?
        if message.party == nil, let point = parsed.customerAddress {
            let resolved = try directory.resolve(point, name: parsed.customerName, at: message.sentAt, in: transaction)
            message.party = resolved.party
            message.person = resolved.person
            created = resolved.created
        }
        // A known Message-ID is the same message only from the same sender with the same
        // content; anything else is another message, kept under a derived id (MessageIdentity).
        var claimed: String?
        if let stored = try transaction.storedMessage(message.id) {
            if MessageIdentity.isRedelivery(message, of: stored.message),
                try mayJoin(message, stored.thread, directory: directory, in: transaction)
            {
                return .duplicate(message.id, thread: stored.thread)
            }
            claimed = message.headers.messageID ?? message.id.rawValue
            message.id = MessageIdentity.derivedID(for: message)
            if let again = try transaction.storedMessage(message.id) { return .duplicate(message.id, thread: again.thread) }
        }
        let decision = try decide(message, directory: directory, configuration: configuration, in: transaction)
        guard !decision.isDuplicate else { return .duplicate(message.id, thread: decision.assignment.thread) }
        if let created { try transaction.saveParty(created) }
        guard let recorded = try transaction.record(message, decision: decision, account: directory.searchAccount(of: message.party))
        else { return .duplicate(message.id, thread: decision.assignment.thread) }
        var assignment = recorded.assignment
        if let claimed {
            assignment.notes.append("Message-ID <\(claimed)> is another message's: stored as <\(message.id.rawValue)>")
            _ = try transaction.log([NewSupportEvent(
                at: message.sentAt, thread: recorded.thread.id, party: message.party,
                kind: .messageIDReused(claimed: claimed, storedAs: message.id))])
        }
        return .stored(DeskIntake(message: message, assignment: assignment, warnings: parsed.warnings, newParty: created))
    }

    /// Whether `message` may join `thread` by the owner check threading applies (a re-delivery
    /// is a duplicate only where its sender could have placed it).
    static func mayJoin(
        _ message: SupportMessage, _ thread: ThreadID, directory: Directory, in transaction: DeskTransaction
    ) throws -> Bool {
        guard let indexed = try transaction.thread(thread) else { return true }
        return try withViewRule(directory, in: transaction) { ThreadingRules.mayJoin(message, indexed, mayView: $0) }
    }

    /// Threading's decision over the transaction's index, with the directory's rule for who
    /// may see what (an error of the directory's look-ups is thrown after the decision).
    static func decide(
        _ message: SupportMessage, directory: Directory, configuration: ThreadingConfiguration, in transaction: DeskTransaction
    ) throws -> ThreadingDecision {
        try withViewRule(directory, in: transaction) { mayView in
            try ThreadingRules.decide(message, reader: transaction, configuration: configuration, mayView: mayView)
        }
    }

    /// Runs `body` with the directory's rule for who may see a thread, as the plain predicate
    /// threading takes; the first error of the directory's look-ups is thrown after `body`.
    private static func withViewRule<T>(
        _ directory: Directory, in transaction: DeskTransaction, _ body: ((Viewer, ConversationAccess) -> Bool) throws -> T
    ) throws -> T {
        var failure: StorageError?
        let result = try body { viewer, access in
            guard case .person(let person) = viewer else { return true }
            do throws(StorageError) { return try directory.mayView(person, access, in: transaction) } catch {
                if failure == nil { failure = error }
                return false
            }
        }
        if let failure { throw failure }
        return result
    }

    // MARK: Agents' acts

    /// Merges thread `merged` into `into` (persisted; undo with ``undoMerge(_:agent:at:)``).
    ///
    /// - Throws: ``StorageError/notFound(_:)``, ``StorageError/refused(_:)`` across owners.
    @discardableResult
    public func merge(_ merged: ThreadID, into: ThreadID, agent: AgentID, at date: Date = Date()) async throws(StorageError)
        -> [Int64]
    {
        try await observedAct { transaction, keeper in
            let events = try transaction.merge(merged, into: into, agent: agent, at: date)
            try keeper.absorb(merged, into: into, at: date)
            return events
        }
    }

    /// Undoes the merge of `merged`: its messages of then are back in it.
    @discardableResult
    public func undoMerge(_ merged: ThreadID, agent: AgentID, at date: Date = Date()) async throws(StorageError) -> [Int64] {
        try await observedAct { transaction, keeper in
            let events = try transaction.undoMerge(merged, agent: agent, at: date)
            try keeper.advance(merged, message: nil, at: date)
            return events
        }
    }

    /// Splits messages off a thread into a new ticket; returns its number.
    ///
    /// - Throws: ``StorageError/refused(_:)`` when a message is not in the thread, or none or all would move.
    public func split(_ messages: [MessageID], from thread: ThreadID, agent: AgentID, at date: Date = Date())
        async throws(StorageError) -> ThreadID
    {
        let policy = policy
        return try await act { transaction in
            let created = try transaction.split(messages, from: thread, agent: agent, at: date).thread
            try ServiceLevelKeeper(policy: policy, transaction: transaction).copy(thread, to: created, at: date)
            return created
        }
    }

    /// Undoes a split: the messages it moved are back in the thread they came from.
    @discardableResult
    public func undoSplit(_ thread: ThreadID, agent: AgentID, at date: Date = Date()) async throws(StorageError) -> [Int64] {
        try await act { try $0.undoSplit(thread, agent: agent, at: date) }
    }

    /// Records that two party records are one person (B2C customers, or stakeholders of one account).
    @discardableResult
    public func mergeIdentity(_ merged: PartyID, into: PartyID, agent: AgentID, reason: String, at date: Date = Date())
        async throws(StorageError) -> [Int64]
    {
        try await act { try $0.mergeIdentity(merged, into: into, agent: agent, reason: reason, at: date) }
    }

    /// Undoes an identity merge exactly.
    @discardableResult
    public func undoIdentityMerge(_ merged: PartyID, agent: AgentID, at date: Date = Date()) async throws(StorageError)
        -> [Int64]
    {
        try await act { try $0.undoIdentityMerge(merged, agent: agent, at: date) }
    }

    /// Moves a B2B stakeholder to another account.
    @discardableResult
    public func moveStakeholder(_ stakeholder: PartyID, to account: PartyID, agent: AgentID, at date: Date = Date())
        async throws(StorageError) -> [Int64]
    {
        try await act { try $0.moveStakeholder(stakeholder, to: account, agent: agent, at: date) }
    }

    /// Changes a ticket's status, assignee (`.some(nil)` unassigns), team, priority or tags.
    @discardableResult
    public func update(
        _ thread: ThreadID, status: ThreadStatus? = nil, assignee: AgentID?? = nil, team: String?? = nil,
        priority: TicketPriority? = nil, addTags: Set<String> = [], removeTags: Set<String> = [], agent: AgentID?,
        at date: Date = Date()
    ) async throws(StorageError) -> [Int64] {
        try await observedAct { transaction, keeper in
            let events = try transaction.update(
                thread, status: status, assignee: assignee, team: team, priority: priority, addTags: addTags,
                removeTags: removeTags, agent: agent, at: date)
            try keeper.advance(thread, message: nil, at: date)
            return events
        }
    }

    /// Stores parties (a host's customers, accounts and stakeholders) in one transaction.
    public func save(_ parties: [StoredParty]) async throws(StorageError) {
        try await act { transaction in for party in parties { try transaction.saveParty(party) } }
    }

    // MARK: Reads

    /// The people who may see a thread, by the directory's rule (B2B: the account's stakeholders
    /// its sharing setting lets see it); empty for an unknown thread or one nobody owns.
    public func viewers(of thread: ThreadID) async throws(StorageError) -> [PartyID] {
        let directory = directory
        return try await act { transaction in
            guard let access = try transaction.thread(thread)?.access else { return [] }
            return try directory.viewers(of: access, in: transaction)
        }
    }

    /// The thread an id leads to now (itself, or the thread it was merged into).
    public func currentThread(_ id: ThreadID) async throws(StorageError) -> SupportThread? {
        try await act { try $0.currentThread(id) }
    }

    /// One transaction of the store; a failure is logged under `name` (``logger``) and rethrown.
    func act<T: Sendable>(_ name: String = "act", _ body: @escaping @Sendable (DeskTransaction) throws -> T)
        async throws(StorageError) -> T
    {
        let store = store
        let first = configuration.firstTicketNumber
        return try await logging(name) { () async throws(StorageError) in try await store.deskTransaction(firstTicketNumber: first, body) }
    }

    /// An act that advances SLA facts: its keeper's observations (first replies, breaches) go to
    /// ``liveMetrics`` once the transaction has committed.
    func observedAct<T: Sendable>(_ body: @escaping @Sendable (DeskTransaction, ServiceLevelKeeper) throws -> T)
        async throws(StorageError) -> T
    {
        let policy = policy
        let (result, observed) = try await act { transaction in
            let keeper = ServiceLevelKeeper(policy: policy, transaction: transaction)
            let result = try body(transaction, keeper)
            return (result, keeper.observed)
        }
        liveMetrics?.record(observed)
        return result
    }
}
