import CustomerModel
import Foundation
import Testing
@testable import Conversation
import TestSupport

@Suite("Threading by headers")
struct HeaderThreadingTests {
    /// Every arrival order of every tree of up to five messages gives exactly
    /// one thread, with In-Reply-To only and with full References.
    @Test(arguments: [2, 3, 4, 5])
    func everyArrivalOrderOfEverySmallTreeIsOneThread(size: Int) {
        for tree in increasingTrees(size) {
            for order in permutations(size) {
                for fullReferences in [false, true] {
                    let directory = b2cDirectory()
        var engine = HelpdeskThreading()
                    for node in order {
                        var path: [String] = []
                        var cursor = tree[node]
                        while cursor >= 0 { path.insert("m\(cursor)@x", at: 0); cursor = tree[cursor] }
                        let parent = tree[node] >= 0 ? ["m\(tree[node])@x"] : []
                        // Distinct subjects without prefixes: only headers can join these.
                        _ = engine.assign(mail("m\(node)@x", inReplyTo: parent, references: fullReferences ? path : [], subject: "Topic \(node)"), directory: directory)
                    }
                    #expect(Set(engine.assignments).count == 1, "tree \(tree), order \(order), references \(fullReferences)")
                }
            }
        }
    }

    @Test func missingParentsHoldTheThreadForLaterMessages() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let a = engine.assign(mail("c@x", references: ["lost-root@x", "lost-parent@x"], subject: "A"), directory: directory)
        let b = engine.assign(mail("d@x", references: ["lost-root@x"], subject: "B"), directory: directory)
        #expect(a.startedThread)
        #expect(b.thread == a.thread)
        #expect(b.evidence == "References → <lost-root@x>")
        // The missing parent arrives last and joins too.
        #expect(engine.assign(mail("lost-parent@x", subject: "C"), directory: directory).thread == a.thread)
    }

    @Test func duplicatesJoinTheirFirstCopyAndAReusedIDIsAnotherMessage() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let first = engine.assign(mail("dup@x"), directory: directory)
        let second = engine.assign(mail("dup@x"), directory: directory)
        #expect(second.thread == first.thread)
        #expect(second.rule == .knownMessageID)
        // The same sender's client reusing the id for another message (another subject): a message of its own.
        let reused = engine.assign(mail("dup@x", subject: "Other subject entirely"), directory: directory)
        #expect(reused.thread != first.thread && reused.rule == .newThread)
        #expect(reused.notes.contains { $0.contains("another message's") })
        #expect(engine.messageCount == 3)
    }

    @Test func referenceLoopsTerminateAndJoin() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let a = engine.assign(mail("a@x", references: ["b@x"], subject: "A"), directory: directory)
        let b = engine.assign(mail("b@x", references: ["a@x"], subject: "B"), directory: directory)
        let c = engine.assign(mail("c@x", references: ["c@x", "a@x", "b@x", "a@x"], subject: "C"), directory: directory)
        #expect(a.thread == b.thread && b.thread == c.thread)
    }

    @Test func linksJoiningTwoThreadsMergeThemAutomatically() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let x = engine.assign(mail("x@x", subject: "One"), directory: directory)
        let y = engine.assign(mail("y@x", subject: "Two"), directory: directory)
        #expect(x.thread != y.thread)
        let z = engine.assign(mail("z@x", references: ["x@x", "y@x"], subject: "Three"), directory: directory)
        #expect(Set(engine.assignments) == [z.thread])
        #expect(z.thread == x.thread, "the older thread's number survives")
    }

    @Test func headersNeverCrossParties() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let own = engine.assign(mail("a@x", party: "c1"), directory: directory)
        let forged = engine.assign(mail("b@x", party: "c2", inReplyTo: ["a@x"]), directory: directory)
        #expect(forged.thread != own.thread)
        #expect(forged.notes.contains { $0.contains("may not see") })
    }

    @Test func hostileReferenceListsAreBounded() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let refs = (0..<10_000).map { "r\($0)@x" }
        let a = engine.assign(mail("a@x", references: refs), directory: directory)
        let b = engine.assign(mail("b@x", references: ["r9999@x"]), directory: directory)
        #expect(a.thread == b.thread)
        #expect(engine.thread(of: "r0@x") == nil)
    }
}

@Suite("Subject normalisation")
struct SubjectTests {
    @Test(arguments: [
        ("Re: Order status", "order status"),
        ("RE: re: Order  status ", "order status"),
        ("Fwd: FW: Order status", "order status"),
        ("SV: Retur av jacka", "retur av jacka"),       // sv, da, nb
        ("VB: SV: Retur", "retur"),                     // sv forward
        ("VS: Tilauksen tila", "tilauksen tila"),       // fi
        ("VL: VS: Tilaus", "tilaus"),                   // fi forward
        ("R: I: RIF: Ordine", "ordine"),                // it
        ("AW: WG: Bestellung", "bestellung"),           // de
        ("TR: RE: Commande", "commande"),               // fr
        ("Antw: Doorst: Bestelling", "bestelling"),     // nl
        ("Odp: PD: Zamówienie", "zamówienie"),          // pl
        ("RV: Pedido", "pedido"),                       // es
        ("Re[2]: Order", "order"),
        ("Re(3): Order", "order"),
        ("RE：Order", "order"),                          // full-width colon
        ("[#123] Re: Order [#123]", "order"),
        ("Re: [shop] Order", "order"),
        ("Rex: Order", "rex: order"),
        ("Order: 5 items", "order: 5 items"),
        ("", ""),
    ])
    func normalises(subject: String, expected: String) {
        #expect(SubjectNormalizer.normalize(subject) == expected)
    }

    @Test func findsTicketTags() {
        #expect(TicketTag.find(in: "Re: Order [#12345]") == 12345)
        #expect(TicketTag.find(in: "[#] [#x] [#7]") == 7)
        #expect(TicketTag.find(in: "no tag here #5") == nil)
        #expect(TicketTag.find(in: "[#99999999999999999999999]") == nil)
    }
}

@Suite("Tags, subjects and channels")
struct RuleChainTests {
    @Test func genericSubjectsFromDifferentCustomersStayApart() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let a = engine.assign(mail("a@x", party: "c1", subject: "Order status"), directory: directory)
        let b = engine.assign(mail("b@x", party: "c2", subject: "Re: Order status", hours: 1), directory: directory)
        let c = engine.assign(mail("c@x", party: "c1", subject: "Re: Order status", hours: 2), directory: directory)
        #expect(b.thread != a.thread)
        #expect(c.thread == a.thread)
        #expect(c.rule == .subject)
        #expect(c.evidence == "subject within party, 2 h")
    }

    @Test func aFreshSubjectWithoutPrefixIsANewIssue() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let a = engine.assign(mail("a@x", subject: "Order status"), directory: directory)
        let b = engine.assign(mail("b@x", subject: "Order status", hours: 30), directory: directory)
        #expect(a.thread != b.thread)
    }

    @Test func subjectWindowIsRespected() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading(configuration: ThreadingConfiguration(subjectWindow: 86_400))
        let a = engine.assign(mail("a@x", subject: "Refund"), directory: directory)
        #expect(engine.assign(mail("b@x", subject: "Re: Refund", hours: 24), directory: directory).thread == a.thread)
        #expect(engine.assign(mail("c@x", subject: "Re: Refund", hours: 48.5), directory: directory).thread != a.thread)
    }

    @Test func aStrangersCopiedTagStartsANewThread() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let own = engine.assign(mail("a@x", party: "c1", subject: "Broken zipper"), directory: directory)
        let tag = TicketTag.tag(for: own.thread)
        let stranger = engine.assign(mail("s@x", party: "c2", subject: "Re: Broken zipper \(tag)"), directory: directory)
        #expect(stranger.thread != own.thread)
        #expect(stranger.startedThread)
        #expect(stranger.notes == ["tag \(tag) ignored: the sender may not see that thread"])
        let owner = engine.assign(mail("o@x", party: "c1", subject: "Another thing \(tag)"), directory: directory)
        #expect(owner.thread == own.thread)
        #expect(owner.evidence == "tag \(tag) from the thread's owner")
    }

    @Test func b2bTagsFollowTheAccountsSharing() throws {
        var book = AccountDirectory()
        try book.add(Account(id: "acme", profile: PartyProfile(displayName: "Acme"), sharing: .participantsAndRoles([.finance])))
        try book.add(Account(id: "globex", profile: PartyProfile(displayName: "Globex")))
        for (id, account, role) in [("kim", "acme", StakeholderRole.buyer), ("eva", "acme", .finance), ("ola", "acme", .technical), ("lee", "globex", .buyer)] {
            try book.add(Stakeholder(id: PartyID(id), accountID: PartyID(account), roles: [role], profile: PartyProfile(displayName: id)), at: epoch)
        }
        let directory = book
        var engine = HelpdeskThreading()
        let start = engine.assign(mail("k@x", party: "acme", person: "kim", subject: "Invoice 55"), directory: directory)
        let tag = TicketTag.tag(for: start.thread)
        let finance = engine.assign(mail("e@x", party: "acme", person: "eva", subject: "Re: x \(tag)"), directory: directory)
        #expect(finance.thread == start.thread)
        #expect(finance.evidence == "tag \(tag) from a stakeholder of the same account")
        let colleague = engine.assign(mail("o@x", party: "acme", person: "ola", subject: "Re: y \(tag)"), directory: directory)
        #expect(colleague.thread != start.thread, "a technical colleague who is no participant may not see it")
        let other = engine.assign(mail("l@x", party: "globex", person: "lee", subject: "Re: z \(tag)"), directory: directory)
        #expect(other.thread != start.thread)
    }

    /// The subject and channel-continuation rules ask the directory too: a colleague who may not
    /// see a participants-only conversation cannot join it by its subject or by writing on chat,
    /// and the participant's own header-less reply still finds it past the colleague's thread.
    @Test func b2bSubjectsAndContinuationFollowTheAccountsSharing() throws {
        var book = AccountDirectory()
        try book.add(Account(id: "acme", profile: PartyProfile(displayName: "Acme"), sharing: .participantsOnly))
        for id in ["kim", "ola"] {
            try book.add(Stakeholder(id: PartyID(id), accountID: "acme", roles: [.buyer], profile: PartyProfile(displayName: id)), at: epoch)
        }
        let directory = book
        var engine = HelpdeskThreading(configuration: ThreadingConfiguration(continuationWindow: 3_600))
        let start = engine.assign(mail("k1@x", party: "acme", person: "kim", subject: "Pallets missing"), directory: directory)
        let colleague = engine.assign(mail("o1@x", party: "acme", person: "ola", subject: "Re: Pallets missing", hours: 1), directory: directory)
        #expect(colleague.thread != start.thread)
        #expect(colleague.notes == ["the subject matches \(start.thread), which the sender may not see"])
        let reply = engine.assign(mail("k2@x", party: "acme", person: "kim", subject: "SV: Pallets missing", hours: 2), directory: directory)
        #expect(reply.thread == start.thread)
        #expect(reply.rule == .subject)
        let chat = engine.assign(mail("k3", party: "acme", person: "kim", subject: "", hours: 2.1, channel: .chat), directory: directory)
        #expect(chat.thread == start.thread)
        let colleagueChat = engine.assign(mail("o2", party: "acme", person: "ola", subject: "", hours: 2.2, channel: .chat), directory: directory)
        #expect(colleagueChat.thread != start.thread, "continuation may not cross into a thread the sender may not see")
    }

    @Test func chatContinuedAsACallIsOneConversation() throws {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading(configuration: ThreadingConfiguration(continuationWindow: 3_600))
        let chat = engine.assign(mail("chat-1", subject: "", channel: .chat), directory: directory)
        let call = engine.assign(mail("call-1", subject: "", hours: 0.99, channel: .phone(.callNote)), directory: directory)
        #expect(call.thread == chat.thread)
        #expect(call.rule == .channelContinuation)
        #expect(call.evidence == "call continues \(chat.thread) after 59 min")
        let late = engine.assign(mail("sms-1", subject: "", hours: 2.01, channel: .sms), directory: directory)
        #expect(late.thread != chat.thread, "outside the window")
        let email = engine.assign(mail("e-1@x", subject: "Hello", hours: 2.02), directory: directory)
        #expect(email.thread != late.thread, "e-mail does not continue chats")
        try engine.setActive(false, thread: late.thread)
        #expect(engine.assign(mail("chat-2", subject: "", hours: 2.03, channel: .chat), directory: directory).thread != late.thread)
        #expect(engine.assign(mail("chat-3", party: "c2", subject: "", hours: 2.04, channel: .chat), directory: directory).thread != late.thread)
    }
}

@Suite("Outbound replies")
struct ReplyRoundTripTests {
    let composer = ReplyComposer(domain: "shop.example", uniquePart: { "fixed" })

    @Test func composedReplyCarriesThreadingHeaders() {
        let parent = mail("p@customer.example", references: ["root@x", "mid@x"], subject: "SV: Re: Retur")
        let reply = composer.reply(to: parent, in: ThreadID(42), from: nil, agent: "ag", text: "Hej!", at: epoch)
        #expect(reply.headers.messageID == "42.fixed@shop.example")
        #expect(reply.headers.inReplyTo == ["p@customer.example"])
        #expect(reply.headers.references == ["root@x", "mid@x", "p@customer.example"])
        #expect(reply.subject == "Re: Retur [#42]")
        #expect(reply.direction == .outbound)
    }

    @Test func longReferenceChainsAreTrimmedFromTheMiddle() {
        let refs = (0..<50).map { "r\($0)@x" }
        let parent = mail("p@x", references: refs)
        let reply = ReplyComposer(domain: "d", maxReferences: 5, uniquePart: { "u" })
            .reply(to: parent, in: ThreadID(1), from: nil, agent: nil, text: "", at: epoch)
        #expect(reply.headers.references == ["r0@x", "r47@x", "r48@x", "r49@x", "p@x"])
    }

    @Test(arguments: ["headers", "in-reply-to only", "tag only"])
    func customersAnswerThreadsBack(client: String) {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let first = mail("q@customer.example", subject: "Where is my parcel?")
        let thread = engine.assign(first, directory: directory).thread
        let reply = composer.reply(to: first, in: thread, from: nil, agent: "ag", text: "On its way", at: epoch)
        #expect(engine.assign(reply, directory: directory).thread == thread)
        let answer: SupportMessage
        switch client {
        case "headers":
            answer = mail("a@customer.example", inReplyTo: [reply.id.rawValue], references: reply.headers.references + [reply.id.rawValue], subject: "Re: " + reply.subject, hours: 5)
        case "in-reply-to only":
            answer = mail("a@customer.example", inReplyTo: [reply.id.rawValue], subject: "Svar", hours: 5)
        default:
            answer = mail("a@customer.example", subject: "Fwd: " + reply.subject, hours: 400)
        }
        #expect(engine.assign(answer, directory: directory).thread == thread, "client: \(client)")
    }
}

@Suite("Merges and splits")
struct MergeSplitTests {
    @Test func mergesAcrossPartiesAreRefused() throws {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let a = engine.assign(mail("a@x", party: "c1"), directory: directory).thread
        let b = engine.assign(mail("b@x", party: "c2"), directory: directory).thread
        #expect(throws: ThreadingError.differentOwners(a, b)) {
            try engine.merge(a, into: b, agent: "ag", reason: "", at: epoch)
        }
    }

    @Test func splitMovesMessagesAndTheirRepliesAndUndoes() throws {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let t = engine.assign(mail("a@x", subject: "Two problems"), directory: directory).thread
        _ = engine.assign(mail("b@x", inReplyTo: ["a@x"], subject: "Re: Two problems"), directory: directory)
        let before = engine.assignments
        let split = try engine.split(["b@x"], from: t, agent: "ag", reason: "second problem", at: epoch)
        #expect(engine.thread(of: "b@x") == split.to)
        #expect(engine.assign(mail("c@x", inReplyTo: ["b@x"], subject: "x"), directory: directory).thread == split.to)
        try engine.undoSplit(split.id, agent: "ag", at: epoch)
        #expect(Array(engine.assignments.prefix(2)) == before)
        #expect(throws: ThreadingError.unknownOrUndone(split.id)) { try engine.undoSplit(split.id, agent: "ag", at: epoch) }
        #expect(throws: ThreadingError.invalidSplit(t)) { try engine.split(["a@x", "b@x"], from: t, agent: "ag", reason: "", at: epoch) }
    }

    /// Merge-then-undo restores every message's thread exactly, at random
    /// points of random histories that include other merges, undos and splits.
    @Test(arguments: [11 as UInt64, 12, 13, 14, 15])
    func mergeThenUndoIsExact(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let parties: [PartyID] = ["c1", "c2", "c3"]
        var ids: [String] = []
        for step in 0..<400 {
            switch random.next() % 5 {
            case 0, 1:
                let id = "m\(step)@x"
                let parent = random.next() % 2 == 0 ? ids.randomElement(using: &random) : nil
                let party = parties.randomElement(using: &random)!
                _ = engine.assign(mail(id, party: party, inReplyTo: parent.map { [$0] } ?? [], subject: "S\(random.next() % 4)", hours: Double(step)), directory: directory)
                ids.append(id)
            case 2:
                let threads = Array(Set(engine.assignments))
                guard let a = threads.randomElement(using: &random), let b = threads.randomElement(using: &random), a != b,
                    engine.owner(of: a) == engine.owner(of: b)
                else { continue }
                let before = engine.assignments
                let merge = try engine.merge(a, into: b, agent: "ag", reason: "step \(step)", at: epoch)
                #expect(Set(engine.assignments).count == Set(before).count - 1, "seed \(seed) step \(step)")
                if random.next() % 2 == 0 {
                    try engine.undoMerge(merge.id, agent: "ag", at: epoch)
                    #expect(engine.assignments == before, "seed \(seed) step \(step): merge then undo differs")
                }
            case 3:
                guard let merge = engine.merges.filter(\.isActive).randomElement(using: &random) else { continue }
                try engine.undoMerge(merge.id, agent: "ag", at: epoch)
            default:
                guard let id = ids.randomElement(using: &random), let thread = engine.thread(of: MessageID(id)) else { continue }
                _ = try? engine.split([MessageID(id)], from: thread, agent: "ag", reason: "", at: epoch)
            }
        }
    }
}
