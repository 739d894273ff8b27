import CPrefetch
import CustomerModel
import Foundation

/// An agent's merge of two threads, as the audit log keeps it.
public struct ThreadMergeRecord: Hashable, Sendable, Codable, Identifiable {
    /// Position in the merge log.
    public let id: Int
    /// The thread merged away.
    public let merged: ThreadID
    /// The thread it was merged into.
    public let into: ThreadID
    /// Who merged.
    public let agent: AgentID
    /// Why.
    public let reason: String
    /// When.
    public let at: Date
    /// Who undid it and when, if it was undone.
    public internal(set) var undoneBy: AgentID?
    /// When it was undone.
    public internal(set) var undoneAt: Date?

    /// Whether the merge is in force.
    public var isActive: Bool { undoneBy == nil }
}

/// An agent's split of messages out of a thread into a new one.
public struct ThreadSplitRecord: Hashable, Sendable, Codable, Identifiable {
    /// Position in the split log.
    public let id: Int
    /// The thread the messages left.
    public let from: ThreadID
    /// The new thread they now form.
    public let to: ThreadID
    /// The messages moved.
    public let messages: [MessageID]
    /// Who split.
    public let agent: AgentID
    /// Why.
    public let reason: String
    /// When.
    public let at: Date
    /// Who undid it, if anyone.
    public internal(set) var undoneBy: AgentID?
    /// When it was undone.
    public internal(set) var undoneAt: Date?
}

/// Why a merge, split or status change was refused.
public enum ThreadingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No such thread.
    case unknownThread(ThreadID)
    /// No such message.
    case unknownMessage(MessageID)
    /// The threads belong to different parties; merging would show one customer another's messages.
    case differentOwners(ThreadID, ThreadID)
    /// The two threads are already one.
    case alreadyMerged(ThreadID, ThreadID)
    /// No merge or split with that id, or it was already undone.
    case unknownOrUndone(Int)
    /// A split must leave at least one message behind and move at least one.
    case invalidSplit(ThreadID)

    public var description: String {
        switch self {
        case .unknownThread(let t): "no thread \(t)"
        case .unknownMessage(let m): "no message \(m)"
        case .differentOwners(let a, let b): "threads \(a) and \(b) belong to different parties and cannot be merged"
        case .alreadyMerged(let a, let b): "threads \(a) and \(b) are already one thread"
        case .unknownOrUndone(let id): "no merge or split #\(id) in force"
        case .invalidSplit(let t): "a split of \(t) must move some of its messages and keep some"
        }
    }
}

/// SupportKit's default threading: the rule chain e-commerce desks need.
///
/// For each message, in order:
/// 1. **Headers** (JWZ-style): its own Message-ID, References and In-Reply-To
///    are looked up among known and referenced ids. Ids referenced before their
///    message arrives hold the thread open for it, so arrival order does not
///    matter; two threads that turn out to be linked are joined (an automatic,
///    logged union). Reference loops and duplicates are harmless: links are
///    set-joins, not parent pointers.
/// 2. **Ticket tag** `[#123]` in the subject, accepted only when the sender may
///    see that thread (``CustomerDirectory/mayView(_:_:)``): a stranger who copies
///    a tag gets a new thread, noted in the assignment.
/// 3. **Quoted text**: a reply whose client dropped the headers still quotes
///    the message it answers (``SupportMessage/quotedText``). The start of the
///    quote (its first letters and digits, see `QuoteFingerprint`) is looked up
///    among the messages *of the same party*; a match in exactly one thread
///    joins it. This tells apart two open tickets with the same generic
///    subject, which the subject rule cannot.
/// 4. **Subject within party**: a message with a reply/forward prefix or reply
///    headers whose normalised subject matches a thread *of the same party*
///    active within the subject window. Never across parties, so generic
///    subjects ("Order status") from different customers stay apart, and a
///    fresh message without a reply prefix starts a new issue.
/// 5. **Channel continuation**: a chat, call, SMS or social message from the
///    same party within the continuation window of its latest active thread.
/// 6. Otherwise a **new thread**.
///
/// Every rule that would join a thread owned by another party asks the
/// directory passed to ``assign(_:directory:)`` first (the host's live
/// directory, so new customers and merges count at once); outbound messages
/// (the desk's own) are trusted.
///
/// Cost per message: O(its references) hash lookups on 128-bit Message-ID
/// fingerprints (see `MessageFingerprint`; keyed per process, so ids crafted to collide
/// cannot slow the tables down), one fingerprint of the start of its
/// text (for later quotes), plus subject and quote reading when headers did not
/// decide. About 130–160 bytes of state per message.
///
/// Merges and splits by agents are audited and undo exactly: undoing restores
/// every message's thread as it was before, for the messages that existed then.
public struct HelpdeskThreading: ThreadingStrategy {
    /// The rules' tuning.
    public let configuration: ThreadingConfiguration

    /// Message-ID nodes, every id seen as a message or as a reference, by
    /// fingerprint; a node's number is its index in the table, and the entry
    /// holds the thread slot the id is held for (`first`, or -1) and the
    /// message's sequence number (`second`, or -1 for an id only referenced so far).
    private var nodes = FingerprintTable()

    // Messages, by arrival sequence.
    private var messageNode: [Int32] = []
    private var messageSlot: [Int32] = []
    /// Each message's ``MessageIdentity/identityWord(_:)``, by sequence: a known Message-ID is
    /// a duplicate only from a sender who may join its thread with the same digest.
    private var messageDigest: [UInt64] = []

    // Threads, by slot; a thread's id is firstTicketNumber + the name of its set.
    private var threadSets = DisjointSets()
    private var threads: [ThreadRecord] = []

    // Parties: a fingerprint of the id to a slot (`first`), checked against the id itself.
    private var partyIndex = FingerprintTable()
    private var partyIDs: [PartyID] = []
    private var partyLatestThread: [Int32] = []
    /// Parties whose fingerprints clashed eight times (in practice never).
    private var partyOverflow: [PartyID: Int32] = [:]
    /// B2B participants (stakeholders, as party slots) per thread slot; B2C threads have none.
    private var threadParticipants: [Int32: Set<Int32>] = [:]
    /// (party, normalised subject) fingerprints to the party's latest thread with that subject (`first`).
    private var subjectIndex = FingerprintTable()
    /// (party, start of a message's text) fingerprints to the message's sequence
    /// (`second`), or -2 once two of the party's threads hold messages that start alike.
    private var quoteIndex = FingerprintTable()

    // Joins: automatic ones (header links) and agents' merges; splits.
    private var automaticJoins: [(Int32, Int32)] = []
    /// The audit log of agents' merges.
    public private(set) var merges: [ThreadMergeRecord] = []
    private var mergeEdges: [(Int32, Int32)] = []
    /// The audit log of agents' splits.
    public private(set) var splits: [ThreadSplitRecord] = []
    private var splitMoves: [[(message: Int32, fromSlot: Int32)]] = []

    /// What the engine keeps per thread slot, in one record so that a rule
    /// reading a thread touches one cache line.
    private struct ThreadRecord {
        var lastActivity: Double
        var owner: Int32
        var isActive: Bool
        /// Whether the slot was ever part of a join; a slot that never was is
        /// its own set, so its name needs no look-up in `threadSets`.
        var joined: Bool
    }

    /// An empty threading engine.
    public init(configuration: ThreadingConfiguration = ThreadingConfiguration()) {
        self.configuration = configuration
    }

    /// Reserves room for about `messages` messages.
    public mutating func reserveCapacity(messages: Int) {
        let nodeCount = messages + messages / 4
        if nodes.needsGrowth(adding: nodeCount - nodes.count) { remapNodes(nodes.grow(adding: nodeCount - nodes.count)) }
        messageNode.reserveCapacity(messages)
        messageDigest.reserveCapacity(messages)
        messageSlot.reserveCapacity(messages)
        if quoteIndex.needsGrowth(adding: messages - quoteIndex.count) { _ = quoteIndex.grow(adding: messages - quoteIndex.count) }
        threads.reserveCapacity(messages / 2)
        threadSets.reserveCapacity(messages / 2)
    }

    /// The number of messages threaded.
    public var messageCount: Int { messageNode.count }

    /// The number of threads created (merged threads count once each time they were created).
    public var threadSlotCount: Int { threadSets.count }

    // MARK: Assigning

    public mutating func assign(_ message: borrowing SupportMessage, directory: some CustomerDirectory) -> ThreadAssignment {
        withUnsafePointer(to: message) { pointer in
            let decision = place(pointer, keys: nil, ids: nil, mayView: { directory.mayView($0, $1) })
            return assignment(decision, pointer)
        }
    }

    /// ``assign(_:directory:)`` for the B2C directory, compiled for it: a
    /// generic call across modules costs a copy of the message and dynamic
    /// dispatch per message, a third of the hot path.
    public mutating func assign(_ message: borrowing SupportMessage, directory: SingleBuyerDirectory) -> ThreadAssignment {
        withUnsafePointer(to: message) { pointer in
            let decision = place(pointer, keys: nil, ids: nil, mayView: { directory.mayView($0, $1) })
            return assignment(decision, pointer)
        }
    }

    /// ``assign(_:directory:)`` for the B2B directory, compiled for it.
    public mutating func assign(_ message: borrowing SupportMessage, directory: AccountDirectory) -> ThreadAssignment {
        withUnsafePointer(to: message) { pointer in
            let decision = place(pointer, keys: nil, ids: nil, mayView: { directory.mayView($0, $1) })
            return assignment(decision, pointer)
        }
    }

    /// Threads a batch in order (an import, a replay) and returns each
    /// message's thread at the time it was placed. Cheaper per message than
    /// calling ``assign(_:directory:)`` in a loop from another module.
    public mutating func assign(contentsOf messages: [SupportMessage], directory: some CustomerDirectory) -> [ThreadID] {
        var result: [ThreadID] = []
        result.reserveCapacity(messages.count)
        let mayView: (Viewer, ConversationAccess) -> Bool = { directory.mayView($0, $1) }
        let arrays = Self.headerArrayOffsets
        messages.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // A software pipeline of prefetch hints: at a million messages, each
            // message's ids, their strings and their table entries are cache
            // misses, which the CPU only overlaps with work on the message
            // itself. Hinting them a few messages ahead overlaps them with the
            // messages in between. Stages: the message (24 ahead), its header
            // arrays, own id and text (16), the referenced ids' bytes (8),
            // their fingerprints and table entries (4).
            // The table-entry stage computes the message's fingerprints, and
            // `place` takes them from a small ring instead of hashing again.
            let count = buffer.count
            let stride = MemoryLayout<SupportMessage>.stride
            let ringMask = 7
            var keyRing = [MessageKeys](repeating: MessageKeys(), count: ringMask + 1)
            var idRing = [MessageFingerprint](
                repeating: MessageFingerprint(high: 0, low: 0), count: (ringMask + 1) * MessageKeys.idCapacity)
            keyRing.withUnsafeMutableBufferPointer { keyBuffer in
                idRing.withUnsafeMutableBufferPointer { idBuffer in
                    guard let keys = keyBuffer.baseAddress, let ids = idBuffer.baseAddress else { return }
                    for index in 0..<min(4, count) {
                        computeKeys(base + index, keys: keys + (index & ringMask), ids: ids + (index & ringMask) * MessageKeys.idCapacity)
                    }
                    for index in 0..<count {
                        if index + 24 < count {
                            // The message itself (a few hundred bytes, one field per line or so).
                            let raw = UnsafeRawPointer(base + index + 24)
                            for line in Swift.stride(from: 0, to: stride, by: 64) { supportkit_prefetch(raw + line) }
                        }
                        if index + 16 < count { Self.prefetchArrays(base + index + 16, offsets: arrays) }
                        if index + 8 < count { Self.prefetchIDBytes(base + index + 8) }
                        if index + 4 < count {
                            let ahead = (index + 4) & ringMask
                            computeKeys(base + index + 4, keys: keys + ahead, ids: ids + ahead * MessageKeys.idCapacity)
                        }
                        let current = index & ringMask
                        let slot = place(
                            base + index, keys: keys + current, ids: ids + current * MessageKeys.idCapacity,
                            mayView: mayView
                        ).slot
                        // `place` returns the thread's current slot.
                        result.append(ThreadID(configuration.firstTicketNumber &+ UInt64(slot)))
                    }
                }
            }
        }
        return result
    }

    /// A message's fingerprints, computed once by the batch path's table-entry stage.
    private struct MessageKeys {
        /// Ids (In-Reply-To, then References from the last) cached per message; more are hashed by `place`.
        static let idCapacity = 7
        var own = MessageFingerprint(high: 0, low: 0)
        var party = MessageFingerprint(high: 0, low: 0)
        var text: MessageFingerprint?
        /// How many ids are cached, in `place`'s order; -1 when there are more than `idCapacity`.
        var idCount = -1
    }

    /// Fingerprints the message's ids, party and text into `keys`/`ids` and hints their table entries.
    /// (`mutating` only so that the batch loop, which holds `self` inout, calls it
    /// in place: a non-mutating call from there copies the engine, a retain per table.)
    @inline(__always)
    private mutating func computeKeys(
        _ message: UnsafePointer<SupportMessage>, keys: UnsafeMutablePointer<MessageKeys>,
        ids: UnsafeMutablePointer<MessageFingerprint>
    ) {
        let own = Self.ownFingerprint(message)
        keys.pointee.own = own
        nodes.prefetch(own)
        keys.pointee.text = nil
        if let party = message.pointee.party {
            let partyKey = Self.fingerprint(party.rawValue)
            keys.pointee.party = partyKey
            partyIndex.prefetch(partyKey)
            if let text = Self.textFingerprint(message.pointee.text) {
                keys.pointee.text = text
                quoteIndex.prefetch(Self.quoteKey(party: partyKey, text: text))
            }
        } else {
            keys.pointee.party = MessageFingerprint(high: 0, low: 0)
        }
        let inReplyToCount = min(message.pointee.headers.inReplyTo.count, 4)
        let referencesTotal = message.pointee.headers.references.count
        let referenceCount = min(referencesTotal, max(configuration.maxReferences, 0))
        guard inReplyToCount + referenceCount <= MessageKeys.idCapacity else {
            keys.pointee.idCount = -1
            return
        }
        for position in 0..<inReplyToCount {
            let fingerprint = Self.fingerprint(message.pointee.headers.inReplyTo[position])
            ids[position] = fingerprint
            nodes.prefetch(fingerprint)
        }
        for position in 0..<referenceCount {
            let fingerprint = Self.fingerprint(message.pointee.headers.references[referencesTotal - 1 - position])
            ids[inReplyToCount + position] = fingerprint
            nodes.prefetch(fingerprint)
        }
        keys.pointee.idCount = inReplyToCount + referenceCount
    }

    // MARK: Prefetch hints for the batch path

    /// Where `SupportMessage` keeps its References and In-Reply-To arrays.
    private static let headerArrayOffsets: (references: Int, inReplyTo: Int)? = {
        guard let references = MemoryLayout<SupportMessage>.offset(of: \SupportMessage.headers.references),
            let inReplyTo = MemoryLayout<SupportMessage>.offset(of: \SupportMessage.headers.inReplyTo)
        else { return nil }
        return (references, inReplyTo)
    }()

    /// Hints the message's own id and text bytes and its header arrays' buffers. An
    /// array's one stored word is its buffer's address (count, then elements);
    /// it is read as a hint only, since a prefetch of a wrong address is harmless.
    @inline(__always)
    private static func prefetchArrays(_ message: UnsafePointer<SupportMessage>, offsets: (references: Int, inReplyTo: Int)?) {
        prefetchBytes(message.pointee.text)
        if message.pointee.headers.messageID == nil {
            prefetchBytes(message.pointee.id.rawValue)
        } else if let address = message.pointee.headers.messageID?.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) {
            address.map { supportkit_prefetch($0) }
        }
        guard let offsets else { return }
        let raw = UnsafeRawPointer(message)
        if let buffer = UnsafeRawPointer(bitPattern: raw.load(fromByteOffset: offsets.references, as: UInt.self)) {
            supportkit_prefetch(buffer)
            supportkit_prefetch(buffer + 64)
        }
        if let buffer = UnsafeRawPointer(bitPattern: raw.load(fromByteOffset: offsets.inReplyTo, as: UInt.self)) {
            supportkit_prefetch(buffer)
        }
    }

    /// Hints the bytes of the ids the message refers to (the arrays are cached by now).
    /// Elements are read through the pointer, as in `place`: a local copy of
    /// an array or string would retain it, which is the very cache miss to hide.
    @inline(__always)
    private static func prefetchIDBytes(_ message: UnsafePointer<SupportMessage>) {
        for index in 0..<min(message.pointee.headers.inReplyTo.count, 2) {
            prefetchBytes(message.pointee.headers.inReplyTo[index])
        }
        let references = message.pointee.headers.references.count
        for index in max(0, references - 4)..<references { prefetchBytes(message.pointee.headers.references[index]) }
    }

    @inline(__always)
    private static func prefetchBytes(_ string: borrowing String) {
        if let address = string.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) {
            address.map { supportkit_prefetch($0) }
        }
    }

    /// A rule's decision as numbers; ``assignment(_:_:)`` renders it. Building
    /// the evidence (which holds strings) only when asked keeps the batch path
    /// free of retains: at a million messages each retain is a likely cache
    /// miss that also stalls the ones behind it.
    private struct Decision {
        var slot: Int32
        var rule: ThreadingRule
        var evidence: EvidenceKind
        var notes: [String]
    }

    private enum EvidenceKind {
        case duplicate
        case referencedEarlier
        /// The position in In-Reply-To.
        case inReplyTo(Int)
        /// The position in References.
        case references(Int)
        case ticketTag(UInt64, fromOwner: Bool)
        case subject(seconds: Double)
        /// The quoted message's thread; the attribution line ends at this offset of `quotedText`.
        case quotedText(attributionEnd: Int)
        case continuation(seconds: Double)
        case none
    }

    private func assignment(_ decision: Decision, _ message: UnsafePointer<SupportMessage>) -> ThreadAssignment {
        let headers = message.pointee.headers
        let evidence: ThreadingEvidence
        switch decision.evidence {
        case .duplicate: evidence = .duplicate(messageID: headers.messageID ?? message.pointee.id.rawValue)
        case .referencedEarlier: evidence = .referencedEarlier(messageID: headers.messageID ?? message.pointee.id.rawValue)
        case .inReplyTo(let position): evidence = .inReplyTo(headers.inReplyTo[position])
        case .references(let position): evidence = .references(headers.references[position])
        case .ticketTag(let ticket, let fromOwner): evidence = .ticketTag(ticket, fromOwner: fromOwner)
        case .subject(let seconds): evidence = .subject(seconds: seconds)
        case .quotedText(let attributionEnd):
            let quote = message.pointee.quotedText ?? ""
            let attribution = String(decoding: quote.utf8.prefix(attributionEnd), as: UTF8.self)
            evidence = .quotedText(attribution: attribution.asciiTrimmed)
        case .continuation(let seconds):
            evidence = .continuation(channel: message.pointee.channel, thread: threadID(decision.slot), seconds: seconds)
        case .none: evidence = .none
        }
        return ThreadAssignment(thread: threadID(decision.slot), rule: decision.rule, because: evidence, notes: decision.notes)
    }

    /// The rule chain, reading the message in place (no copy of its fields).
    /// `keys` and `ids`, when given, hold the message's fingerprints already computed.
    private mutating func place(
        _ message: UnsafePointer<SupportMessage>, keys: UnsafePointer<MessageKeys>?,
        ids cachedIDs: UnsafePointer<MessageFingerprint>?, mayView: (Viewer, ConversationAccess) -> Bool
    ) -> Decision {
        let sequence = Int32(messageNode.count)
        var party: Int32 = -1
        // The party's id fingerprint keys both the party table and the quote index.
        var partyKey = MessageFingerprint(high: 0, low: 0)
        if let owner = message.pointee.party {
            partyKey = keys?.pointee.party ?? Self.fingerprint(owner.rawValue)
            party = internParty(owner, key: partyKey)
        }
        let direction = message.pointee.direction
        let time = message.pointee.sentAt.timeIntervalSinceReferenceDate
        let inReplyToCount = min(message.pointee.headers.inReplyTo.count, 4)
        let referenceCount = min(message.pointee.headers.references.count, max(configuration.maxReferences, 0))
        if nodes.needsGrowth(adding: 1 + inReplyToCount + referenceCount) {
            remapNodes(nodes.grow(adding: 1 + inReplyToCount + referenceCount))
        }
        let ownFingerprint = keys?.pointee.own ?? Self.ownFingerprint(message)
        let cached = keys.map { $0.pointee.idCount == inReplyToCount + referenceCount } ?? false
        let ownNode = nodes.intern(ownFingerprint).index
        var notes: [String] = []

        // A message we have threaded already: a duplicate delivery, when it is the same message
        // (MessageIdentity: the same author and content digest). Anything else chose a known
        // Message-ID: it is threaded as its sender's own message, the id left to its holder.
        var idTaken = false
        let digest = MessageIdentity.identityWord(message.pointee)
        if nodes[second: ownNode] >= 0 {
            let slot = nodes[first: ownNode]
            let holder = Int(nodes[second: ownNode])
            if MessageIdentity.isSameMessage(messageDigest[holder], digest), mayJoin(currentSlot(slot), party: party, message: message, mayView: mayView) {
                record(sequence: sequence, node: ownNode, slot: slot, duplicate: true, digest: digest)
                return Decision(slot: currentSlot(slot), rule: .knownMessageID, evidence: .duplicate, notes: [])
            }
            idTaken = true
            let ownID = message.pointee.headers.messageID ?? message.pointee.id.rawValue
            notes.append("Message-ID <\(ownID)> is another message's (in \(threadID(slot))): threaded as a different message")
        }

        // 1. Headers.
        var chosen: Int32 = -1
        var evidence = EvidenceKind.none
        var rule = ThreadingRule.newThread
        if !idTaken, nodes[first: ownNode] >= 0 {
            let slot = currentSlot(nodes[first: ownNode])
            if mayJoin(slot, party: party, message: message, mayView: mayView) {
                chosen = slot
                rule = .knownMessageID
                evidence = .referencedEarlier
            } else {
                let ownID = message.pointee.headers.messageID ?? message.pointee.id.rawValue
                notes.append("Message-ID <\(ownID)> is referenced in \(threadID(slot)), which the sender may not see")
            }
        }
        var referenceNodes = SmallNodeList()
        // In-Reply-To first: it names the direct parent, the best evidence to cite.
        // References from the last (nearest the message) back, at most maxReferences.
        let referencesTotal = message.pointee.headers.references.count
        for position in 0..<(inReplyToCount + referenceCount) {
            let isInReplyTo = position < inReplyToCount
            let index = isInReplyTo ? position : referencesTotal - 1 - (position - inReplyToCount)
            let fingerprint: MessageFingerprint
            if cached, let cachedIDs {
                fingerprint = cachedIDs[position]
            } else if isInReplyTo {
                fingerprint = Self.fingerprint(message.pointee.headers.inReplyTo[index])
            } else {
                fingerprint = Self.fingerprint(message.pointee.headers.references[index])
            }
            if fingerprint == ownFingerprint { continue }
            let node = nodes.intern(fingerprint).index
            referenceNodes.append(node)
            let held = nodes[first: node]
            guard held >= 0 else { continue }
            let slot = currentSlot(held)
            if slot == chosen { continue }
            guard mayJoin(slot, party: party, message: message, mayView: mayView) else {
                let id = isInReplyTo ? message.pointee.headers.inReplyTo[index] : message.pointee.headers.references[index]
                notes.append("reference <\(id)> points to \(threadID(slot)), which the sender may not see")
                continue
            }
            if chosen < 0 {
                chosen = slot
                rule = .references
                evidence = isInReplyTo ? .inReplyTo(index) : .references(index)
            } else if threads[Int(slot)].owner == threads[Int(chosen)].owner {
                // Two threads turn out to be one conversation: join them.
                automaticJoins.append((chosen, slot))
                chosen = join(chosen, slot)
            }
        }

        // 2. Ticket tag.
        if chosen < 0, let ticket = TicketTag.find(in: message.pointee.subject) {
            if let slot = slot(ofTicket: ticket) {
                if mayJoin(slot, party: party, message: message, mayView: mayView) {
                    chosen = slot
                    rule = .ticketTag
                    evidence = .ticketTag(ticket, fromOwner: isOwner(party, person: message.pointee.person))
                } else {
                    notes.append("tag [#\(ticket)] ignored: the sender may not see that thread")
                }
            } else {
                notes.append("tag [#\(ticket)] names no thread")
            }
        }

        // 3. Quoted text: a reply whose client dropped the headers still quotes
        // the message it answers. The start of the quote is looked up among the
        // same party's messages (the key holds the party; the owner is checked too).
        if chosen < 0, party >= 0, message.pointee.quotedText != nil,
            let (slot, attributionEnd) = quotedSlot(message, party: party, partyKey: partyKey)
        {
            if mayJoin(slot, party: party, message: message, mayView: mayView) {
                chosen = slot
                rule = .quotedText
                evidence = .quotedText(attributionEnd: attributionEnd)
            } else {
                notes.append("the quoted text matches a message in \(threadID(slot)), which the sender may not see")
            }
        }

        // 4. Subject within party. The subject is read only when headers and tag
        // did not decide, or to index a new thread: most messages never pay for it.
        var subjectKey: MessageFingerprint?
        var personSubjectKey: MessageFingerprint?
        if chosen < 0, party >= 0, !message.pointee.subject.isEmpty {
            let (fingerprint, hadPrefix) = SubjectNormalizer.threadingKey(message.pointee.subject)
            if let fingerprint {
                let key = Self.subjectKey(party: party, subject: fingerprint)
                subjectKey = key
                // A B2B stakeholder's subjects are also indexed per person: when the account's
                // latest thread of that subject is one the sender may not see (a colleague's,
                // under participants-only sharing), the sender's own one still is found.
                if let person = message.pointee.person, person != message.pointee.party {
                    personSubjectKey = Self.subjectKey(
                        party: internParty(person, key: Self.fingerprint(person.rawValue)), subject: fingerprint)
                }
                if ThreadingRules.subjectApplies(hasReferences: !referenceNodes.isEmpty, hadPrefix: hadPrefix) {
                    if let (slot, age) = subjectCandidate(key, party: party, time: time) {
                        // Within a B2B account the sender must also be allowed to see the thread
                        // (mayJoin): a colleague outside a participants-only conversation starts
                        // a thread of their own rather than joining by its subject.
                        if mayJoin(slot, party: party, message: message, mayView: mayView) {
                            chosen = slot
                            rule = .subject
                            evidence = .subject(seconds: age)
                        } else {
                            notes.append("the subject matches \(threadID(slot)), which the sender may not see")
                        }
                    }
                    if chosen < 0, let personSubjectKey, let (slot, age) = subjectCandidate(personSubjectKey, party: party, time: time),
                        mayJoin(slot, party: party, message: message, mayView: mayView)
                    {
                        chosen = slot
                        rule = .subject
                        evidence = .subject(seconds: age)
                    }
                }
            }
        }

        // 5. Channel continuation.
        if chosen < 0, party >= 0, message.pointee.channel.continuesConversations {
            let latest = partyLatestThread[Int(party)]
            if latest >= 0 {
                let slot = currentSlot(latest)
                let age = time - threads[Int(slot)].lastActivity
                if ThreadingRules.continues(age: age, isActive: threads[Int(slot)].isActive, configuration: configuration),
                    mayJoin(slot, party: party, message: message, mayView: mayView)
                {
                    chosen = slot
                    rule = .channelContinuation
                    evidence = .continuation(seconds: age)
                }
            }
        }

        // 6. A new thread.
        if chosen < 0 {
            chosen = makeThread(owner: party, at: time)
            rule = .newThread
            evidence = .none
        }

        // Bookkeeping: the message, ids it referenced (held for this thread), the party's indexes.
        record(sequence: sequence, node: ownNode, slot: chosen, duplicate: idTaken, digest: digest)
        for index in 0..<referenceNodes.count where nodes[first: referenceNodes[index]] < 0 {
            nodes[first: referenceNodes[index]] = chosen
        }
        if time > threads[Int(chosen)].lastActivity { threads[Int(chosen)].lastActivity = time }
        if direction == .inbound, !threads[Int(chosen)].isActive { threads[Int(chosen)].isActive = true }
        if party >= 0, direction == .inbound, let person = message.pointee.person, person != message.pointee.party {
            let personSlot = internParty(person, key: Self.fingerprint(person.rawValue))
            threadParticipants[chosen, default: []].insert(personSlot)
        }
        if party >= 0 {
            indexText(message, keys: keys, partyKey: partyKey, sequence: sequence, slot: chosen)
            partyLatestThread[Int(party)] = chosen
            // Index new threads, and threads a subject-only message reached by another rule
            // (a later same-subject message then finds the thread it continues).
            if rule != .channelContinuation, rule != .subject {
                if let subjectKey { indexSubject(subjectKey, slot: chosen) }
                if let personSubjectKey { indexSubject(personSubjectKey, slot: chosen) }
            }
        }
        return Decision(slot: chosen, rule: rule, evidence: evidence, notes: notes)
    }

    /// A Message-ID's (or a party id's) keyed fingerprint, read from the string's bytes in place.
    /// Keyed (per process): the ids are strangers' choice, and the tables hold nothing stored.
    @inline(__always)
    private static func fingerprint(_ id: borrowing String) -> MessageFingerprint {
        if let fingerprint = id.utf8.withContiguousStorageIfAvailable({ MessageFingerprint(keyed: $0) }) { return fingerprint }
        return MessageFingerprint(keyed: copy id)
    }

    /// The quote fingerprint of a message's text (borrowed: a copy would retain it).
    @inline(__always)
    private static func textFingerprint(_ text: borrowing String) -> MessageFingerprint? {
        text.utf8.withContiguousStorageIfAvailable { QuoteFingerprint.ofText($0) } ?? nil
    }

    /// The fingerprint of the message's own id: its Message-ID, else the desk's id.
    /// Read through the pointer without `??`, which would copy (retain) the string.
    @inline(__always)
    private static func ownFingerprint(_ message: UnsafePointer<SupportMessage>) -> MessageFingerprint {
        if message.pointee.headers.messageID == nil { return fingerprint(message.pointee.id.rawValue) }
        if let fingerprint = message.pointee.headers.messageID?.utf8.withContiguousStorageIfAvailable({
            MessageFingerprint(keyed: $0)
        }) {
            return fingerprint
        }
        return MessageFingerprint(keyed: message.pointee.headers.messageID ?? "")
    }

    /// The key of a text fingerprint in `quoteIndex`: mixed with the party, so
    /// one party's quote can never even find another party's message.
    /// (The party's id fingerprint, not its slot, so that the batch path can
    /// hint the entry before the party is looked up.)
    private static func quoteKey(party owner: MessageFingerprint, text: MessageFingerprint) -> MessageFingerprint {
        var key = text
        key.mixIn(owner.high)
        key.mixIn(owner.low)
        return key
    }

    /// The thread of the party's message that `message` quotes, and where the
    /// attribution line ends; nil when the quote is too short, matches no
    /// message, or matches messages of two threads.
    private func quotedSlot(_ message: UnsafePointer<SupportMessage>, party: Int32, partyKey: MessageFingerprint)
        -> (Int32, Int)?
    {
        guard let found = message.pointee.quotedText?.utf8.withContiguousStorageIfAvailable({ QuoteFingerprint.ofQuote($0) }),
            let (fingerprint, attributionEnd) = found,
            let entry = quoteIndex.find(Self.quoteKey(party: partyKey, text: fingerprint))
        else { return nil }
        let quoted = quoteIndex[second: entry]
        guard quoted >= 0 else { return nil }
        let slot = currentSlot(messageSlot[Int(quoted)])
        guard threads[Int(slot)].owner == party else { return nil }
        return (slot, attributionEnd)
    }

    /// Remembers the start of the message's text for replies that will quote it.
    private mutating func indexText(
        _ message: UnsafePointer<SupportMessage>, keys: UnsafePointer<MessageKeys>?, partyKey: MessageFingerprint,
        sequence: Int32, slot: Int32
    ) {
        let text: MessageFingerprint?
        if let keys {
            text = keys.pointee.text
        } else {
            text = Self.textFingerprint(message.pointee.text)
        }
        guard let fingerprint = text else { return }
        if quoteIndex.needsGrowth(adding: 1) { _ = quoteIndex.grow(adding: 1) }
        let (entry, inserted) = quoteIndex.intern(Self.quoteKey(party: partyKey, text: fingerprint))
        if inserted {
            quoteIndex[second: entry] = sequence
            return
        }
        let earlier = quoteIndex[second: entry]
        // Two threads of the party hold messages that start alike: the quote cannot tell them apart.
        if earlier >= 0, currentSlot(messageSlot[Int(earlier)]) != currentSlot(slot) { quoteIndex[second: entry] = -2 }
    }

    /// The subject index key: the normalised subject's fingerprint mixed with the party.
    /// The thread a (party or person, subject) key names, when it is the party's and within
    /// the subject window; the key holds the party, and the owner check makes a fingerprint
    /// collision harmless.
    private func subjectCandidate(_ key: MessageFingerprint, party: Int32, time: Double) -> (slot: Int32, age: Double)? {
        guard let entry = subjectIndex.find(key) else { return nil }
        let slot = currentSlot(subjectIndex[first: entry])
        let age = time - threads[Int(slot)].lastActivity
        guard ThreadingRules.subjectMatches(age: age, ownerIsParty: threads[Int(slot)].owner == party, configuration: configuration)
        else { return nil }
        return (slot, age)
    }

    private mutating func indexSubject(_ key: MessageFingerprint, slot: Int32) {
        if subjectIndex.needsGrowth(adding: 1) { _ = subjectIndex.grow(adding: 1) }
        subjectIndex[first: subjectIndex.intern(key).index] = slot
    }

    private static func subjectKey(party: Int32, subject: MessageFingerprint) -> MessageFingerprint {
        var key = subject
        key.mixIn(UInt64(UInt32(bitPattern: party)))
        return key
    }

    private mutating func makeThread(owner: Int32, at time: Double) -> Int32 {
        let slot = threadSets.makeSet()
        threads.append(ThreadRecord(lastActivity: time, owner: owner, isActive: true, joined: false))
        return slot
    }

    /// Joins two threads' sets; returns the joined set's name.
    private mutating func join(_ a: Int32, _ b: Int32) -> Int32 {
        threads[Int(a)].joined = true
        threads[Int(b)].joined = true
        threadSets.union(a, b)
        let joined = currentSlot(a)
        threads[Int(joined)].lastActivity = max(threads[Int(a)].lastActivity, threads[Int(b)].lastActivity)
        return joined
    }

    private mutating func remapNodes(_ remap: [Int32]) {
        for index in messageNode.indices { messageNode[index] = remap[Int(messageNode[index])] }
    }

    private mutating func record(sequence: Int32, node: Int32, slot: Int32, duplicate: Bool, digest: UInt64) {
        messageNode.append(node)
        messageSlot.append(slot)
        messageDigest.append(digest)
        if !duplicate {
            nodes[second: node] = sequence
            nodes[first: node] = slot
        }
    }

    private mutating func internParty(_ party: PartyID, key partyKey: MessageFingerprint) -> Int32 {
        var key = partyKey
        // A fingerprint collision between two parties must not make them one:
        // each candidate is checked against the id, and a clash re-keys.
        for attempt in 0..<8 as Range<UInt64> {
            if partyIndex.needsGrowth(adding: 1) { _ = partyIndex.grow(adding: 1) }
            let (entry, inserted) = partyIndex.intern(key)
            if inserted {
                let slot = Int32(partyIDs.count)
                partyIndex[first: entry] = slot
                partyIDs.append(party)
                partyLatestThread.append(-1)
                return slot
            }
            let slot = partyIndex[first: entry]
            if partyIDs[Int(slot)] == party { return slot }
            key.mixIn(0x5851_F42D_4C95_7F2D &+ attempt)
        }
        // Eight clashes in a row (never seen; ~2⁻¹⁰⁰⁰): a plain dictionary keeps the party exact.
        if let slot = partyOverflow[party] { return slot }
        let slot = Int32(partyIDs.count)
        partyOverflow[party] = slot
        partyIDs.append(party)
        partyLatestThread.append(-1)
        return slot
    }

    /// Whether a message from `party` may join thread `slot`: the desk's own
    /// messages may; a customer's may join their own threads; anyone else
    /// (another party, or a stakeholder of the owning account) only if the
    /// directory lets them see the thread.
    private func mayJoin(
        _ slot: Int32, party: Int32, message: UnsafePointer<SupportMessage>,
        mayView: (Viewer, ConversationAccess) -> Bool
    ) -> Bool {
        let owner = threads[Int(slot)].owner
        return ThreadingRules.mayJoin(
            owner: owner < 0 ? nil : owner, party: party < 0 ? nil : party,
            inbound: message.pointee.direction == .inbound,
            senderIsParty: message.pointee.person == nil || message.pointee.person == message.pointee.party,
            directoryAllows: {
                guard let person = message.pointee.person ?? message.pointee.party, let access = access(ofSlot: slot) else {
                    return false
                }
                return mayView(.person(person), access)
            })
    }

    /// Who owns the thread in `slot` and who wrote in it (over merged threads); nil when no party owns it.
    private func access(ofSlot slot: Int32) -> ConversationAccess? {
        let owner = threads[Int(slot)].owner
        guard owner >= 0 else { return nil }
        var participants = Set<PartyID>()
        for member in threadSets.members(of: slot) {
            for participant in threadParticipants[member] ?? [] { participants.insert(partyIDs[Int(participant)]) }
        }
        return ConversationAccess(owner: partyIDs[Int(owner)], participants: participants)
    }

    /// Whether the sender is the thread's owner itself rather than a stakeholder of the owning account.
    private func isOwner(_ party: Int32, person: PartyID?) -> Bool {
        guard let person, party >= 0 else { return true }
        return person == partyIDs[Int(party)]
    }

    @inline(__always)
    private func currentSlot(_ slot: Int32) -> Int32 { threads[Int(slot)].joined ? threadSets.name(of: slot) : slot }

    private func threadID(_ slot: Int32) -> ThreadID {
        ThreadID(configuration.firstTicketNumber &+ UInt64(currentSlot(slot)))
    }

    private func slot(ofTicket ticket: UInt64) -> Int32? {
        guard ticket >= configuration.firstTicketNumber else { return nil }
        let slot = ticket - configuration.firstTicketNumber
        guard slot < UInt64(threadSets.count) else { return nil }
        return currentSlot(Int32(slot))
    }

    // MARK: Queries

    public func thread(of message: MessageID) -> ThreadID? {
        guard let node = nodes.find(Self.fingerprint(message.rawValue)) else { return nil }
        let sequence = nodes[second: node]
        guard sequence >= 0 else { return nil }
        return threadID(messageSlot[Int(sequence)])
    }

    /// The thread of every message, in arrival order.
    public var assignments: [ThreadID] { messageSlot.map(threadID) }

    /// The party that owns a thread, if known.
    public func owner(of thread: ThreadID) -> PartyID? {
        guard let slot = slot(ofTicket: thread.rawValue) else { return nil }
        let owner = threads[Int(slot)].owner
        return owner >= 0 ? partyIDs[Int(owner)] : nil
    }

    /// What a directory decides visibility on for a thread: its owner and the B2B stakeholders
    /// who wrote in it (over merged threads; B2C threads list none). Nil for an unknown thread or
    /// one that no party owns.
    public func access(of thread: ThreadID) -> ConversationAccess? {
        guard let slot = slot(ofTicket: thread.rawValue) else { return nil }
        return access(ofSlot: slot)
    }

    /// Tells the engine a thread's status, so channel continuation joins only
    /// active conversations (a solved chat is not continued by tomorrow's call).
    /// An inbound message that joins a thread by another rule reactivates it.
    public mutating func setActive(_ active: Bool, thread: ThreadID) throws(ThreadingError) {
        guard let slot = slot(ofTicket: thread.rawValue) else { throw .unknownThread(thread) }
        threads[Int(slot)].isActive = active
    }

    // MARK: Agents' merges and splits

    /// Merges thread `merged` into `into` (both keep their messages; the
    /// surviving id is the older thread's). Audited; undo with ``undoMerge(_:agent:at:)``.
    ///
    /// - Throws: ``ThreadingError/differentOwners(_:_:)`` across parties,
    ///   ``ThreadingError/alreadyMerged(_:_:)``, ``ThreadingError/unknownThread(_:)``.
    @discardableResult
    public mutating func merge(_ merged: ThreadID, into: ThreadID, agent: AgentID, reason: String, at date: Date)
        throws(ThreadingError) -> ThreadMergeRecord
    {
        guard let a = slot(ofTicket: merged.rawValue) else { throw .unknownThread(merged) }
        guard let b = slot(ofTicket: into.rawValue) else { throw .unknownThread(into) }
        guard a != b else { throw .alreadyMerged(merged, into) }
        guard threads[Int(a)].owner == threads[Int(b)].owner else { throw .differentOwners(merged, into) }
        let record = ThreadMergeRecord(
            id: merges.count, merged: merged, into: into, agent: agent, reason: reason, at: date)
        merges.append(record)
        mergeEdges.append((a, b))
        _ = join(a, b)
        return record
    }

    /// Undoes an agent's merge exactly: every message returns to the thread it
    /// was in before the merge. Messages that arrived while the merge was in
    /// force stay in the thread they were assigned to, which keeps its id.
    public mutating func undoMerge(_ id: Int, agent: AgentID, at date: Date) throws(ThreadingError) {
        guard merges.indices.contains(id), merges[id].isActive else { throw .unknownOrUndone(id) }
        merges[id].undoneBy = agent
        merges[id].undoneAt = date
        let (a, _) = mergeEdges[id]
        let active = mergeEdges.enumerated().filter { merges[$0.offset].isActive }.map(\.element)
        // Slots stay marked `joined`: that only sends their names through `threadSets`.
        threadSets.rebuild(setOf: a, edges: automaticJoins + active)
    }

    /// Moves messages out of a thread into a new thread of the same owner.
    /// Later replies to the moved messages follow them. Audited; undo with
    /// ``undoSplit(_:agent:at:)``.
    @discardableResult
    public mutating func split(
        _ messages: [MessageID], from thread: ThreadID, agent: AgentID, reason: String, at date: Date
    ) throws(ThreadingError) -> ThreadSplitRecord {
        guard let source = slot(ofTicket: thread.rawValue) else { throw .unknownThread(thread) }
        var sequences: [Int32] = []
        for message in messages {
            guard let node = nodes.find(Self.fingerprint(message.rawValue)), nodes[second: node] >= 0 else {
                throw .unknownMessage(message)
            }
            let sequence = nodes[second: node]
            guard currentSlot(messageSlot[Int(sequence)]) == source else { throw .unknownMessage(message) }
            sequences.append(sequence)
        }
        var remaining = 0
        for slot in messageSlot where currentSlot(slot) == source { remaining += 1 }
        guard !sequences.isEmpty, sequences.count < remaining else { throw .invalidSplit(thread) }

        let target = makeThread(owner: threads[Int(source)].owner, at: threads[Int(source)].lastActivity)
        var moves: [(message: Int32, fromSlot: Int32)] = []
        for sequence in sequences {
            moves.append((sequence, messageSlot[Int(sequence)]))
            messageSlot[Int(sequence)] = target
            nodes[first: messageNode[Int(sequence)]] = target
        }
        let record = ThreadSplitRecord(
            id: splits.count, from: thread, to: threadID(target), messages: messages, agent: agent, reason: reason,
            at: date)
        splits.append(record)
        splitMoves.append(moves)
        return record
    }

    /// Undoes a split: the moved messages return to the slots they came from.
    public mutating func undoSplit(_ id: Int, agent: AgentID, at date: Date) throws(ThreadingError) {
        guard splits.indices.contains(id), splits[id].undoneBy == nil else { throw .unknownOrUndone(id) }
        splits[id].undoneBy = agent
        splits[id].undoneAt = date
        for move in splitMoves[id] {
            messageSlot[Int(move.message)] = move.fromSlot
            nodes[first: messageNode[Int(move.message)]] = move.fromSlot
        }
    }

    /// Bytes of state held, for capacity planning (arrays and hash tables at their capacity).
    public var approximateByteCount: Int {
        let entry = MemoryLayout<FingerprintTable.Entry>.stride
        let tables = (nodes.capacity + subjectIndex.capacity + partyIndex.capacity + quoteIndex.capacity) * entry
        let arrays = (messageNode.capacity + messageSlot.capacity) * 4
            + threadSets.count * 16 + threads.capacity * MemoryLayout<ThreadRecord>.stride
            + partyIDs.capacity * MemoryLayout<PartyID>.stride
            + partyLatestThread.capacity * 4 + automaticJoins.capacity * 8
        return tables + arrays
    }
}

/// The nodes a message referenced: up to eight inline (nearly every message),
/// spilling to an array beyond, so the hot path does not allocate.
private struct SmallNodeList {
    private var inline: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var spill: [Int32] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ node: Int32) {
        if count < 8 {
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: node, toByteOffset: count * 4, as: Int32.self) }
        } else {
            spill.append(node)
        }
        count += 1
    }

    subscript(index: Int) -> Int32 {
        if index < 8 { return withUnsafeBytes(of: inline) { $0.load(fromByteOffset: index * 4, as: Int32.self) } }
        return spill[index - 8]
    }
}
