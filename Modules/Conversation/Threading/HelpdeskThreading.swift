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
/// 3. **Subject within party**: a message with a reply/forward prefix or reply
///    headers whose normalised subject matches a thread *of the same party*
///    active within the subject window. Never across parties, so generic
///    subjects ("Order status") from different customers stay apart, and a
///    fresh message without a reply prefix starts a new issue.
/// 4. **Channel continuation**: a chat, call, SMS or social message from the
///    same party within the continuation window of its latest active thread.
/// 5. Otherwise a **new thread**.
///
/// Every rule that would join a thread owned by another party asks the
/// directory passed to ``assign(_:directory:)`` first (the host's live
/// directory, so new customers and merges count at once); outbound messages
/// (the desk's own) are trusted.
///
/// Cost per message: O(its references) hash lookups on 128-bit Message-ID
/// fingerprints (see `MessageFingerprint`), plus subject normalisation when
/// headers did not decide. About 60–100 bytes of state per message.
///
/// Merges and splits by agents are audited and undo exactly: undoing restores
/// every message's thread as it was before, for the messages that existed then.
public struct HelpdeskThreading: ThreadingStrategy {
    /// The rules' tuning.
    public let configuration: ThreadingConfiguration

    // Message-ID nodes: every id seen, as a message or as a reference.
    private var nodeIndex: [MessageFingerprint: Int32] = [:]
    /// The thread slot a node is held for, or -1.
    private var nodeThread: [Int32] = []
    /// The message sequence number of a node, or -1 for an id only referenced so far.
    private var nodeMessage: [Int32] = []

    // Messages, by arrival sequence.
    private var messageNode: [Int32] = []
    private var messageSlot: [Int32] = []

    // Threads, by slot; a thread's id is firstTicketNumber + the name of its set.
    private var threadSets = DisjointSets()
    private var threadOwner: [Int32] = []
    private var threadLastActivity: [Double] = []
    private var threadIsActive: [Bool] = []

    // Parties.
    private var partyIndex: [PartyID: Int32] = [:]
    private var partyIDs: [PartyID] = []
    private var partyLatestThread: [Int32] = []
    /// B2B participants (stakeholders, as party slots) per thread slot; B2C threads have none.
    private var threadParticipants: [Int32: Set<Int32>] = [:]
    private var subjectIndex: [SubjectKey: Int32] = [:]

    // Joins: automatic ones (header links) and agents' merges; splits.
    private var automaticJoins: [(Int32, Int32)] = []
    /// The audit log of agents' merges.
    public private(set) var merges: [ThreadMergeRecord] = []
    private var mergeEdges: [(Int32, Int32)] = []
    /// The audit log of agents' splits.
    public private(set) var splits: [ThreadSplitRecord] = []
    private var splitMoves: [[(message: Int32, fromSlot: Int32)]] = []

    private struct SubjectKey: Hashable {
        let party: Int32
        let subject: MessageFingerprint
    }

    /// An empty threading engine.
    public init(configuration: ThreadingConfiguration = ThreadingConfiguration()) {
        self.configuration = configuration
    }

    /// Reserves room for about `messages` messages.
    public mutating func reserveCapacity(messages: Int) {
        nodeIndex.reserveCapacity(messages + messages / 4)
        nodeThread.reserveCapacity(messages + messages / 4)
        nodeMessage.reserveCapacity(messages + messages / 4)
        messageNode.reserveCapacity(messages)
        messageSlot.reserveCapacity(messages)
    }

    /// The number of messages threaded.
    public var messageCount: Int { messageNode.count }

    /// The number of threads created (merged threads count once each time they were created).
    public var threadSlotCount: Int { threadSets.count }

    // MARK: Assigning

    public mutating func assign(_ message: borrowing SupportMessage, directory: some CustomerDirectory) -> ThreadAssignment {
        place(ThreadingFields(message), mayView: { directory.mayView($0, $1) })
    }

    /// ``assign(_:directory:)`` for the B2C directory, compiled for it: a
    /// generic call across modules costs a copy of the message and dynamic
    /// dispatch per message, a third of the hot path.
    public mutating func assign(_ message: borrowing SupportMessage, directory: SingleBuyerDirectory) -> ThreadAssignment {
        place(ThreadingFields(message), mayView: { directory.mayView($0, $1) })
    }

    /// ``assign(_:directory:)`` for the B2B directory, compiled for it.
    public mutating func assign(_ message: borrowing SupportMessage, directory: AccountDirectory) -> ThreadAssignment {
        place(ThreadingFields(message), mayView: { directory.mayView($0, $1) })
    }

    /// Threads a batch in order (an import, a replay) and returns each
    /// message's thread at the time it was placed. Cheaper per message than
    /// calling ``assign(_:directory:)`` in a loop from another module.
    public mutating func assign(contentsOf messages: [SupportMessage], directory: some CustomerDirectory) -> [ThreadID] {
        var threads: [ThreadID] = []
        threads.reserveCapacity(messages.count)
        let mayView: (Viewer, ConversationAccess) -> Bool = { directory.mayView($0, $1) }
        messages.withUnsafeBufferPointer { buffer in
            guard var cursor = buffer.baseAddress else { return }
            for _ in 0..<buffer.count {
                threads.append(place(ThreadingFields(cursor), mayView: mayView).thread)
                cursor += 1
            }
        }
        return threads
    }

    /// The rule chain. Not generic on purpose: a generic function takes the
    /// message indirectly, which costs a copy of it per call.
    private mutating func place(_ fields: ThreadingFields, mayView: (Viewer, ConversationAccess) -> Bool)
        -> ThreadAssignment
    {
        let sequence = Int32(messageNode.count)
        var party: Int32 = -1
        if let owner = fields.party { party = internParty(owner) }
        let time = fields.sentAt.timeIntervalSinceReferenceDate
        let ownID = fields.headers.messageID ?? fields.id.rawValue
        let ownNode = internNode(MessageFingerprint(ownID))
        var notes: [String] = []

        // A message we have threaded already: a duplicate delivery.
        if nodeMessage[Int(ownNode)] >= 0 {
            let slot = nodeThread[Int(ownNode)]
            record(sequence: sequence, node: ownNode, slot: slot, duplicate: true)
            return ThreadAssignment(thread: threadID(slot), rule: .knownMessageID, because: .duplicate(messageID: ownID))
        }

        // 1. Headers.
        var chosen: Int32 = -1
        var evidence = ThreadingEvidence.none
        var rule = ThreadingRule.newThread
        if nodeThread[Int(ownNode)] >= 0 {
            let slot = currentSlot(nodeThread[Int(ownNode)])
            if mayJoin(slot, party: party, fields: fields, mayView: mayView) {
                chosen = slot
                rule = .knownMessageID
                evidence = .referencedEarlier(messageID: ownID)
            } else {
                notes.append("Message-ID <\(ownID)> is referenced in \(threadID(slot)), which the sender may not see")
            }
        }
        let references = fields.headers.references.suffix(configuration.maxReferences)
        var referenceNodes = SmallNodeList()
        // In-Reply-To first: it names the direct parent, the best evidence to cite.
        let inReplyTo = fields.headers.inReplyTo.prefix(4)
        for position in 0..<(inReplyTo.count + references.count) {
            let isInReplyTo = position < inReplyTo.count
            let id = isInReplyTo
                ? inReplyTo[inReplyTo.startIndex + position]
                : references[references.endIndex - 1 - (position - inReplyTo.count)]
            if id == ownID { continue }
            let node = internNode(MessageFingerprint(id))
            referenceNodes.append(node)
            let held = nodeThread[Int(node)]
            guard held >= 0 else { continue }
            let slot = currentSlot(held)
            if slot == chosen { continue }
            guard mayJoin(slot, party: party, fields: fields, mayView: mayView) else {
                notes.append("reference <\(id)> points to \(threadID(slot)), which the sender may not see")
                continue
            }
            if chosen < 0 {
                chosen = slot
                rule = .references
                evidence = isInReplyTo ? .inReplyTo(id) : .references(id)
            } else if threadOwner[Int(slot)] == threadOwner[Int(chosen)] {
                // Two threads turn out to be one conversation: join them.
                automaticJoins.append((chosen, slot))
                threadSets.union(chosen, slot)
                let joined = currentSlot(chosen)
                threadLastActivity[Int(joined)] = max(threadLastActivity[Int(chosen)], threadLastActivity[Int(slot)])
                chosen = joined
            }
        }

        // 2. Ticket tag.
        if chosen < 0, let ticket = TicketTag.find(in: fields.subject) {
            if let slot = slot(ofTicket: ticket) {
                if mayJoin(slot, party: party, fields: fields, mayView: mayView) {
                    chosen = slot
                    rule = .ticketTag
                    evidence = .ticketTag(ticket, fromOwner: isOwner(party, of: slot, person: fields.person))
                } else {
                    notes.append("tag [#\(ticket)] ignored: the sender may not see that thread")
                }
            } else {
                notes.append("tag [#\(ticket)] names no thread")
            }
        }

        // 3. Subject within party. The subject is read only when headers and tag
        // did not decide, or to index a new thread: most messages never pay for it.
        var subjectKey: SubjectKey?
        if chosen < 0, party >= 0, !fields.subject.isEmpty {
            let (fingerprint, hadPrefix) = SubjectNormalizer.threadingKey(fields.subject)
            if let fingerprint {
                let key = SubjectKey(party: party, subject: fingerprint)
                subjectKey = key
                if !referenceNodes.isEmpty || hadPrefix, let held = subjectIndex[key] {
                    let slot = currentSlot(held)
                    let age = time - threadLastActivity[Int(slot)]
                    if age <= configuration.subjectWindow {
                        chosen = slot
                        rule = .subject
                        evidence = .subject(seconds: age)
                    }
                }
            }
        }

        // 4. Channel continuation.
        if chosen < 0, party >= 0, fields.channel.continuesConversations {
            let latest = partyLatestThread[Int(party)]
            if latest >= 0 {
                let slot = currentSlot(latest)
                let age = time - threadLastActivity[Int(slot)]
                if threadIsActive[Int(slot)], age >= 0, age <= configuration.continuationWindow {
                    chosen = slot
                    rule = .channelContinuation
                    evidence = .continuation(channel: fields.channel, thread: threadID(slot), seconds: age)
                }
            }
        }

        // 5. A new thread.
        if chosen < 0 {
            chosen = threadSets.makeSet()
            threadOwner.append(party)
            threadLastActivity.append(time)
            threadIsActive.append(true)
            rule = .newThread
            evidence = .none
        }

        // Bookkeeping: the message, ids it referenced (held for this thread), the party's indexes.
        record(sequence: sequence, node: ownNode, slot: chosen, duplicate: false)
        for index in 0..<referenceNodes.count where nodeThread[Int(referenceNodes[index])] < 0 {
            nodeThread[Int(referenceNodes[index])] = chosen
        }
        if time > threadLastActivity[Int(chosen)] { threadLastActivity[Int(chosen)] = time }
        if fields.direction == .inbound, !threadIsActive[Int(chosen)] { threadIsActive[Int(chosen)] = true }
        if party >= 0, fields.direction == .inbound, let person = fields.person, person != fields.party {
            let personSlot = internParty(person)
            threadParticipants[chosen, default: []].insert(personSlot)
        }
        if party >= 0 {
            partyLatestThread[Int(party)] = chosen
            // Index new threads, and threads a subject-only message reached by another rule
            // (a later same-subject message then finds the thread it continues).
            if let subjectKey, rule != .channelContinuation, rule != .subject { subjectIndex[subjectKey] = chosen }
        }
        return ThreadAssignment(thread: threadID(chosen), rule: rule, because: evidence, notes: notes)
    }

    private mutating func record(sequence: Int32, node: Int32, slot: Int32, duplicate: Bool) {
        messageNode.append(node)
        messageSlot.append(slot)
        if !duplicate {
            nodeMessage[Int(node)] = sequence
            nodeThread[Int(node)] = slot
        }
    }

    private mutating func internNode(_ fingerprint: MessageFingerprint) -> Int32 {
        let new = Int32(nodeThread.count)
        let node = Self.readOrInsert(&nodeIndex[fingerprint, default: new])
        if node == new {
            nodeThread.append(-1)
            nodeMessage.append(-1)
        }
        return node
    }

    private mutating func internParty(_ party: PartyID) -> Int32 {
        let new = Int32(partyIDs.count)
        let slot = Self.readOrInsert(&partyIndex[party, default: new])
        if slot == new {
            partyIDs.append(party)
            partyLatestThread.append(-1)
        }
        return slot
    }

    private static func readOrInsert(_ value: inout Int32) -> Int32 { value }

    /// Whether a message from `party` may join thread `slot`: the desk's own
    /// messages may; a customer's may join their own threads; anyone else
    /// (another party, or a stakeholder of the owning account) only if the
    /// directory lets them see the thread.
    private mutating func mayJoin(
        _ slot: Int32, party: Int32, fields: ThreadingFields, mayView: (Viewer, ConversationAccess) -> Bool
    ) -> Bool {
        let owner = threadOwner[Int(slot)]
        if fields.direction != .inbound { return owner < 0 || party < 0 || owner == party }
        guard owner >= 0, party >= 0 else { return owner < 0 && party < 0 }
        let person = fields.person ?? fields.party
        if owner == party, person == fields.party { return true }
        guard let person else { return false }
        var participants = Set<PartyID>()
        for member in threadSets.members(of: slot) {
            for participant in threadParticipants[member] ?? [] { participants.insert(partyIDs[Int(participant)]) }
        }
        return mayView(.person(person), ConversationAccess(owner: partyIDs[Int(owner)], participants: participants))
    }

    /// Whether the sender is the thread's owner itself rather than a stakeholder of the owning account.
    private func isOwner(_ party: Int32, of slot: Int32, person: PartyID?) -> Bool {
        guard let person, party >= 0 else { return true }
        return person == partyIDs[Int(party)]
    }

    private func currentSlot(_ slot: Int32) -> Int32 { threadSets.name(of: slot) }

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
        guard let node = nodeIndex[MessageFingerprint(message.rawValue)] else { return nil }
        let sequence = nodeMessage[Int(node)]
        guard sequence >= 0 else { return nil }
        return threadID(messageSlot[Int(sequence)])
    }

    /// The thread of every message, in arrival order.
    public var assignments: [ThreadID] { messageSlot.map(threadID) }

    /// The party that owns a thread, if known.
    public func owner(of thread: ThreadID) -> PartyID? {
        guard let slot = slot(ofTicket: thread.rawValue) else { return nil }
        let owner = threadOwner[Int(slot)]
        return owner >= 0 ? partyIDs[Int(owner)] : nil
    }

    /// Tells the engine a thread's status, so channel continuation joins only
    /// active conversations (a solved chat is not continued by tomorrow's call).
    /// An inbound message that joins a thread by another rule reactivates it.
    public mutating func setActive(_ active: Bool, thread: ThreadID) throws(ThreadingError) {
        guard let slot = slot(ofTicket: thread.rawValue) else { throw .unknownThread(thread) }
        threadIsActive[Int(slot)] = active
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
        guard threadOwner[Int(a)] == threadOwner[Int(b)] else { throw .differentOwners(merged, into) }
        let record = ThreadMergeRecord(
            id: merges.count, merged: merged, into: into, agent: agent, reason: reason, at: date)
        merges.append(record)
        mergeEdges.append((a, b))
        threadSets.union(a, b)
        let joined = currentSlot(a)
        threadLastActivity[Int(joined)] = max(threadLastActivity[Int(a)], threadLastActivity[Int(b)])
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
            guard let node = nodeIndex[MessageFingerprint(message.rawValue)], nodeMessage[Int(node)] >= 0 else {
                throw .unknownMessage(message)
            }
            let sequence = nodeMessage[Int(node)]
            guard currentSlot(messageSlot[Int(sequence)]) == source else { throw .unknownMessage(message) }
            sequences.append(sequence)
        }
        var remaining = 0
        for slot in messageSlot where currentSlot(slot) == source { remaining += 1 }
        guard !sequences.isEmpty, sequences.count < remaining else { throw .invalidSplit(thread) }

        let target = threadSets.makeSet()
        threadOwner.append(threadOwner[Int(source)])
        threadLastActivity.append(threadLastActivity[Int(source)])
        threadIsActive.append(true)
        var moves: [(message: Int32, fromSlot: Int32)] = []
        for sequence in sequences {
            moves.append((sequence, messageSlot[Int(sequence)]))
            messageSlot[Int(sequence)] = target
            nodeThread[Int(messageNode[Int(sequence)])] = target
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
            nodeThread[Int(messageNode[Int(move.message)])] = move.fromSlot
        }
    }

    /// Bytes of state held, for capacity planning (arrays and hash tables at their capacity).
    public var approximateByteCount: Int {
        let nodeEntry = MemoryLayout<MessageFingerprint>.stride + MemoryLayout<Int32>.stride
        let tables = nodeIndex.capacity * nodeEntry + subjectIndex.capacity * (MemoryLayout<SubjectKey>.stride + 4)
            + partyIndex.capacity * (MemoryLayout<PartyID>.stride + 4)
        let arrays = (nodeThread.capacity + nodeMessage.capacity + messageNode.capacity + messageSlot.capacity) * 4
            + threadSets.count * 16 + threadOwner.capacity * 4 + threadLastActivity.capacity * 8
            + threadIsActive.capacity + partyIDs.capacity * 16
            + partyLatestThread.capacity * 4 + automaticJoins.capacity * 8
        return tables + arrays
    }
}

/// The parts of a message threading reads. Built field by field, so the
/// message's text, HTML and attachments are never touched: at a million
/// messages, each retain of a field is a likely cache miss.
struct ThreadingFields {
    let id: MessageID
    let headers: ThreadingHeaders
    let subject: String
    let party: PartyID?
    let person: PartyID?
    let channel: Channel
    let direction: MessageDirection
    let sentAt: Date

    init(_ message: borrowing SupportMessage) {
        id = message.id
        headers = message.headers
        subject = message.subject
        party = message.party
        person = message.person
        channel = message.channel
        direction = message.direction
        sentAt = message.sentAt
    }

    init(_ message: UnsafePointer<SupportMessage>) {
        id = message.pointee.id
        headers = message.pointee.headers
        subject = message.pointee.subject
        party = message.pointee.party
        person = message.pointee.person
        channel = message.pointee.channel
        direction = message.pointee.direction
        sentAt = message.pointee.sentAt
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
