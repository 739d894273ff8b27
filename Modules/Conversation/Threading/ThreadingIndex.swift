import CustomerModel
import Foundation

// The stored threading path: the rule chain of `HelpdeskThreading` as a pure decision over a
// read view of a store's threading index. The store owns the index (DESIGN.md, "The store is
// the system of record"); this file owns what the rules read from it and what they write back.

/// A 128-bit key of the stored threading index: a (party, normalised subject) or (party, start
/// of a message's text) fingerprint, as two integers a database indexes directly. Keys hold no
/// text, so the index never keeps a subject or a quote readable.
public struct ThreadingIndexKey: Hashable, Sendable, Codable, Comparable {
    /// The fingerprint's high half.
    public var high: Int64
    /// The fingerprint's low half.
    public var low: Int64

    /// A key from its two halves (as read back from a store).
    public init(high: Int64, low: Int64) {
        self.high = high
        self.low = low
    }

    init(_ fingerprint: MessageFingerprint) {
        high = Int64(bitPattern: fingerprint.high)
        low = Int64(bitPattern: fingerprint.low)
    }

    public static func < (lhs: ThreadingIndexKey, rhs: ThreadingIndexKey) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// What the stored index holds for one Message-ID: the thread it is held for, and whether a
/// message with that id is stored (or the id was only referenced so far).
public struct IndexedMessageID: Hashable, Sendable, Codable {
    /// The thread the id is held for (before merges; ``ThreadingIndexReader/thread(_:)`` follows them).
    public var thread: ThreadID
    /// Whether a message with this id is stored.
    public var isMessage: Bool

    /// An entry.
    public init(thread: ThreadID, isMessage: Bool) {
        self.thread = thread
        self.isMessage = isMessage
    }
}

/// What the threading rules read about a thread.
public struct IndexedThread: Hashable, Sendable, Codable {
    /// The thread's id now: merges are followed, so this is the surviving thread.
    public var id: ThreadID
    /// The party that owns it (nil: an unassigned thread, owned by nobody).
    public var owner: PartyID?
    /// The B2B stakeholders who wrote in it (empty for B2C threads).
    public var participants: Set<PartyID>
    /// Its latest message's time.
    public var lastActivity: Date
    /// Whether channel continuation may join it (not solved or closed).
    public var isActive: Bool

    /// A thread entry.
    public init(id: ThreadID, owner: PartyID?, participants: Set<PartyID>, lastActivity: Date, isActive: Bool) {
        self.id = id
        self.owner = owner
        self.participants = participants
        self.lastActivity = lastActivity
        self.isActive = isActive
    }

    /// What a directory decides visibility on; nil when nobody owns the thread.
    public var access: ConversationAccess? { owner.map { ConversationAccess(owner: $0, participants: participants) } }
}

/// What the index holds for a quote key.
public enum IndexedQuote: Hashable, Sendable, Codable {
    /// One stored message of the party starts with this text.
    case message(MessageID)
    /// Messages in two of the party's threads start alike: a quote cannot tell them apart.
    case ambiguous
}

/// The read view of a store's threading index that ``ThreadingRules/decide(_:reader:configuration:mayView:)``
/// decides over. A store implements it inside its write transaction, over its stored index plus
/// the entries its current batch has written (so a batch threads exactly as one message at a time).
///
/// The seam is owned here, by the module that reads it; `Storage` conforms.
public protocol ThreadingIndexReader {
    /// The entry of a Message-ID, if any.
    func messageID(_ id: String) throws -> IndexedMessageID?
    /// A thread by its id, after merges (an id merged away gives its surviving thread); nil when unknown.
    func thread(_ id: ThreadID) throws -> IndexedThread?
    /// The thread a subject key was last indexed for.
    func subjectThread(_ key: ThreadingIndexKey) throws -> ThreadID?
    /// The message a quote key names, or that it is ambiguous.
    func quote(_ key: ThreadingIndexKey) throws -> IndexedQuote?
    /// The party's latest thread (the one its last message went to).
    func latestThread(of party: PartyID) throws -> ThreadID?
    /// The id the next new thread gets (the store allocates it when the decision is written).
    func nextThreadID() throws -> ThreadID
}

/// What a decision changes in the stored index; the store writes it in the message's transaction.
public struct ThreadingIndexChanges: Hashable, Sendable, Codable {
    /// What to do with a quote key.
    public enum QuoteChange: Hashable, Sendable, Codable {
        /// Index the key for this message.
        case insert(ThreadingIndexKey)
        /// The key now matches messages of two threads.
        case markAmbiguous(ThreadingIndexKey)
    }

    /// The thread the message goes to.
    public var thread: ThreadID
    /// Whether that thread is new (its id is the reader's ``ThreadingIndexReader/nextThreadID()``).
    public var opensThread: Bool
    /// The owner of a new thread.
    public var owner: PartyID?
    /// The message's own Message-ID (or desk id), now stored in `thread`.
    public var messageID: String
    /// Ids the message referenced that the index did not hold: held for `thread` from now on.
    public var heldReferences: [String]
    /// Threads of the same owner that the message's references showed to be one conversation:
    /// each is joined into `thread` (the oldest id survives).
    public var joinedThreads: [ThreadID]
    /// Subject keys to index for `thread`.
    public var subjectKeys: [ThreadingIndexKey]
    /// The quote key of the message's text.
    public var quote: QuoteChange?
    /// The party whose latest thread becomes `thread`.
    public var latestOfParty: PartyID?
    /// A stakeholder who now took part in `thread` (B2B).
    public var participant: PartyID?
    /// The message's time: the thread's activity is at least this.
    public var activity: Date
    /// Whether the thread becomes active (an inbound message reopens it for continuation).
    public var activates: Bool

    /// Changes as a decision returns them (a host with rules of its own builds its own; the
    /// store's owner check applies to them all the same).
    public init(
        thread: ThreadID, opensThread: Bool, owner: PartyID?, messageID: String, heldReferences: [String] = [],
        joinedThreads: [ThreadID] = [], subjectKeys: [ThreadingIndexKey] = [], quote: QuoteChange? = nil,
        latestOfParty: PartyID?, participant: PartyID? = nil, activity: Date, activates: Bool
    ) {
        self.thread = thread
        self.opensThread = opensThread
        self.owner = owner
        self.messageID = messageID
        self.heldReferences = heldReferences
        self.joinedThreads = joinedThreads
        self.subjectKeys = subjectKeys
        self.quote = quote
        self.latestOfParty = latestOfParty
        self.participant = participant
        self.activity = activity
        self.activates = activates
    }
}

/// A decision of the stored path: where the message goes and why, and the index changes.
public struct ThreadingDecision: Hashable, Sendable {
    /// Where and why (as ``HelpdeskThreading`` explains it).
    public var assignment: ThreadAssignment
    /// What to write; nil for a duplicate (a message with this id is stored: nothing changes).
    public var changes: ThreadingIndexChanges?

    /// Whether the message is already stored.
    public var isDuplicate: Bool { changes == nil }

    /// A decision.
    public init(assignment: ThreadAssignment, changes: ThreadingIndexChanges?) {
        self.assignment = assignment
        self.changes = changes
    }
}

/// The threading rules, one implementation for both paths: the predicates below are what
/// ``HelpdeskThreading`` (the in-memory batch engine and benchmark) calls on its slots, and what
/// ``decide(_:reader:configuration:mayView:)`` (the stored path) calls on a store's index. The rule
/// order and the evidence are the same; a test threads the same corpus both ways.
public enum ThreadingRules {
    /// Whether a message may join a thread: the desk's own messages may join their customer's
    /// threads (or any, when either side has no party; or one the directory lets the customer
    /// see, after an identity merge); a customer's may join their own
    /// threads; anyone else (another party, or a stakeholder of the owning account) only if the
    /// directory lets them see the thread.
    @inline(__always)
    static func mayJoin<Party: Equatable>(
        owner: Party?, party: Party?, inbound: Bool, senderIsParty: Bool, directoryAllows: () -> Bool
    ) -> Bool {
        // The desk's own message: to its customer's thread, or one of a record merged with theirs.
        if !inbound { return owner == nil || party == nil || owner == party || directoryAllows() }
        guard let owner, let party else { return owner == nil && party == nil }
        if owner == party, senderIsParty { return true }
        return directoryAllows()
    }

    /// Whether `message` may join `thread`: the owner check every rule applies (see above), with
    /// `mayView` the directory's rule for a person and a thread.
    public static func mayJoin(
        _ message: SupportMessage, _ thread: IndexedThread, mayView: (Viewer, ConversationAccess) -> Bool
    ) -> Bool {
        mayJoin(
            owner: thread.owner, party: message.party, inbound: message.direction == .inbound,
            senderIsParty: message.person == nil || message.person == message.party,
            directoryAllows: {
                guard let viewer = message.person ?? message.party, let access = thread.access else { return false }
                return mayView(.person(viewer), access)
            })
    }

    /// Whether a same-subject thread is close enough in time and the sender's party's.
    @inline(__always)
    static func subjectMatches(age: Double, ownerIsParty: Bool, configuration: ThreadingConfiguration) -> Bool {
        age <= configuration.subjectWindow && ownerIsParty
    }

    /// Whether a chat, call, SMS or social message continues its party's latest thread.
    @inline(__always)
    static func continues(age: Double, isActive: Bool, configuration: ThreadingConfiguration) -> Bool {
        isActive && age >= 0 && age <= configuration.continuationWindow
    }

    /// The subject is read only for replies (references, or a reply prefix): a fresh mail with
    /// a known subject is a new problem.
    @inline(__always)
    static func subjectApplies(hasReferences: Bool, hadPrefix: Bool) -> Bool { hasReferences || hadPrefix }

    /// The stored index's subject key: the normalised subject's fingerprint mixed with the party id's.
    static func storedSubjectKey(party: PartyID, subject: MessageFingerprint) -> ThreadingIndexKey {
        var key = subject
        let owner = MessageFingerprint(Array(party.rawValue.utf8))
        key.mixIn(owner.high)
        key.mixIn(owner.low)
        key.mixIn(0x5375_626A)  // "Subj": never equal to a quote key of the same party
        return ThreadingIndexKey(key)
    }

    /// The stored index's quote key: the text's fingerprint mixed with the party id's.
    static func storedQuoteKey(party: PartyID, text: MessageFingerprint) -> ThreadingIndexKey {
        var key = text
        let owner = MessageFingerprint(Array(party.rawValue.utf8))
        key.mixIn(owner.high)
        key.mixIn(owner.low)
        return ThreadingIndexKey(key)
    }

    /// Decides where `message` goes, reading the store's index through `reader`.
    ///
    /// A pure function of (index, message): it writes nothing. `mayView` is the directory's rule
    /// (B2C or B2B) for a person and a thread. Throws what `reader` throws.
    public static func decide(
        _ message: SupportMessage, reader: some ThreadingIndexReader, configuration: ThreadingConfiguration,
        mayView: (Viewer, ConversationAccess) -> Bool
    ) throws -> ThreadingDecision {
        let party = message.party
        let person = message.person
        let inbound = message.direction == .inbound
        let time = message.sentAt
        let ownID = message.indexedID
        var notes: [String] = []

        func mayJoin(_ thread: IndexedThread) -> Bool {
            Self.mayJoin(
                owner: thread.owner, party: party, inbound: inbound, senderIsParty: person == nil || person == party,
                directoryAllows: {
                    guard let viewer = person ?? party, let access = thread.access else { return false }
                    return mayView(.person(viewer), access)
                })
        }

        // A message already stored: a duplicate delivery. (An entry whose thread is gone names nothing.)
        var ownEntry = try reader.messageID(ownID)
        if let entry = ownEntry, try reader.thread(entry.thread) == nil { ownEntry = nil }
        if let ownEntry, ownEntry.isMessage {
            let thread = try reader.thread(ownEntry.thread)?.id ?? ownEntry.thread
            return ThreadingDecision(
                assignment: ThreadAssignment(thread: thread, rule: .knownMessageID, because: .duplicate(messageID: ownID)),
                changes: nil)
        }

        // 1. Headers.
        var chosen: IndexedThread?
        var rule = ThreadingRule.newThread
        var evidence = ThreadingEvidence.none
        var joined: [ThreadID] = []
        if let ownEntry, let thread = try reader.thread(ownEntry.thread) {
            if mayJoin(thread) {
                chosen = thread
                rule = .knownMessageID
                evidence = .referencedEarlier(messageID: ownID)
            } else {
                notes.append("Message-ID <\(ownID)> is referenced in \(thread.id), which the sender may not see")
            }
        }
        var unheld: [String] = []
        var hasReferences = false
        let inReplyTo = message.headers.inReplyTo.prefix(4)
        let references = message.headers.references.reversed().prefix(max(configuration.maxReferences, 0))
        for (isInReplyTo, id) in inReplyTo.map({ (true, $0) }) + references.map({ (false, $0) }) where id != ownID {
            hasReferences = true
            // An entry whose thread is gone (erased, or deleted by retention) names nothing:
            // the id is held afresh, as if never seen.
            guard let entry = try reader.messageID(id), var thread = try reader.thread(entry.thread) else {
                if !unheld.contains(id) { unheld.append(id) }
                continue
            }
            if joined.contains(thread.id) || thread.id == chosen?.id { continue }
            guard mayJoin(thread) else {
                notes.append("reference <\(id)> points to \(thread.id), which the sender may not see")
                continue
            }
            if let current = chosen {
                guard thread.owner == current.owner else { continue }
                // Two threads turn out to be one conversation: the older id survives.
                var survivor = current
                if thread.id < current.id { swap(&survivor, &thread) }
                survivor.lastActivity = max(survivor.lastActivity, thread.lastActivity)
                survivor.participants.formUnion(thread.participants)
                survivor.isActive = survivor.isActive || thread.isActive
                joined.removeAll { $0 == survivor.id }
                joined.append(thread.id)
                chosen = survivor
            } else {
                chosen = thread
                rule = .references
                evidence = isInReplyTo ? .inReplyTo(id) : .references(id)
            }
        }

        // 2. Ticket tag.
        if chosen == nil, let ticket = TicketTag.find(in: message.subject) {
            if ticket >= configuration.firstTicketNumber, let thread = try reader.thread(ThreadID(ticket)) {
                if mayJoin(thread) {
                    chosen = thread
                    rule = .ticketTag
                    evidence = .ticketTag(ticket, fromOwner: person == nil || party == nil || person == party)
                } else {
                    notes.append("tag [#\(ticket)] ignored: the sender may not see that thread")
                }
            } else {
                notes.append("tag [#\(ticket)] names no thread")
            }
        }

        // 3. Quoted text, among the same party's messages.
        if chosen == nil, let party, let quoted = message.quotedText,
            let (fingerprint, attributionEnd) = Self.quoteFingerprint(quoted),
            case .message(let quotedID) = try reader.quote(storedQuoteKey(party: party, text: fingerprint)),
            let entry = try reader.messageID(quotedID.rawValue), let thread = try reader.thread(entry.thread),
            thread.owner == party
        {
            if mayJoin(thread) {
                chosen = thread
                rule = .quotedText
                let attribution = String(decoding: quoted.utf8.prefix(attributionEnd), as: UTF8.self)
                evidence = .quotedText(attribution: attribution.asciiTrimmed)
            } else {
                notes.append("the quoted text matches a message in \(thread.id), which the sender may not see")
            }
        }

        // 4. Subject within party.
        var subjectKeys: [ThreadingIndexKey] = []
        if chosen == nil, let party, !message.subject.isEmpty {
            let (fingerprint, hadPrefix) = SubjectNormalizer.threadingKey(message.subject)
            if let fingerprint {
                subjectKeys.append(storedSubjectKey(party: party, subject: fingerprint))
                if let person, person != party { subjectKeys.append(storedSubjectKey(party: person, subject: fingerprint)) }
                if subjectApplies(hasReferences: hasReferences, hadPrefix: hadPrefix) {
                    for (position, key) in subjectKeys.enumerated() where chosen == nil {
                        guard let id = try reader.subjectThread(key), let thread = try reader.thread(id) else { continue }
                        let age = time.timeIntervalSince(thread.lastActivity)
                        guard subjectMatches(age: age, ownerIsParty: thread.owner == party, configuration: configuration) else {
                            continue
                        }
                        if mayJoin(thread) {
                            chosen = thread
                            rule = .subject
                            evidence = .subject(seconds: age)
                        } else if position == 0 {
                            notes.append("the subject matches \(thread.id), which the sender may not see")
                        }
                    }
                }
            }
        }

        // 5. Channel continuation.
        if chosen == nil, let party, message.channel.continuesConversations,
            let latest = try reader.latestThread(of: party), let thread = try reader.thread(latest)
        {
            let age = time.timeIntervalSince(thread.lastActivity)
            if continues(age: age, isActive: thread.isActive, configuration: configuration), mayJoin(thread) {
                chosen = thread
                rule = .channelContinuation
                evidence = .continuation(channel: message.channel, thread: thread.id, seconds: age)
            }
        }

        // 6. A new thread.
        let opens = chosen == nil
        let thread = try chosen?.id ?? reader.nextThreadID()

        // Bookkeeping, as the in-memory engine does it.
        var quote: ThreadingIndexChanges.QuoteChange?
        if let party, let fingerprint = Self.textFingerprint(message.text) {
            let key = storedQuoteKey(party: party, text: fingerprint)
            switch try reader.quote(key) {
            case nil: quote = .insert(key)
            case .ambiguous: quote = nil
            case .message(let earlier):
                if let earlierThread = try reader.messageID(earlier.rawValue).flatMap({ try reader.thread($0.thread)?.id }) {
                    if earlierThread != thread, !joined.contains(earlierThread) { quote = .markAmbiguous(key) }
                } else {
                    quote = .insert(key)  // the message it named is gone
                }
            }
        }
        let indexesSubject = party != nil && rule != .channelContinuation && rule != .subject
        let changes = ThreadingIndexChanges(
            thread: thread, opensThread: opens, owner: opens ? party : nil, messageID: ownID, heldReferences: unheld,
            joinedThreads: joined, subjectKeys: indexesSubject ? subjectKeys : [], quote: quote,
            latestOfParty: party,
            participant: party != nil && inbound && person != nil && person != party ? person : nil,
            activity: time, activates: inbound)
        return ThreadingDecision(
            assignment: ThreadAssignment(thread: thread, rule: rule, because: evidence, notes: notes), changes: changes)
    }

    private static func quoteFingerprint(_ quoted: String) -> (MessageFingerprint, Int)? {
        var quoted = quoted
        return quoted.withUTF8 { QuoteFingerprint.ofQuote($0) }.map { ($0.fingerprint, $0.attributionEnd) }
    }

    private static func textFingerprint(_ text: String) -> MessageFingerprint? {
        var text = text
        return text.withUTF8 { QuoteFingerprint.ofText($0) }
    }
}
