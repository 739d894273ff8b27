import Conversation
import CustomerModel
import Foundation
import Localization
import Storage

/// Complaint terms of a message: the language's analyzer (Snowball stems, folded), without
/// the language's most common function words, numbers and one- or two-letter tokens.
public struct ComplaintAnalyzer: Sendable {
    private let registry: AnalyzerRegistry
    private let stopStems: [String: Set<String>]

    /// An analyzer over `registry` (the search analyzers by default).
    public init(registry: AnalyzerRegistry = .standard) {
        self.registry = registry
        var stems: [String: Set<String>] = [:]
        for (language, words) in Self.functionWords {
            stems[language] = Set(registry.analyzer(for: language).tokens(in: words).map(\.term))
        }
        stopStems = stems
    }

    /// The terms of `text` in `language` (primary subtag; unknown: the neutral analyzer).
    public func terms(_ text: String, language: String?) -> [String] {
        let primary = language.map { String($0.prefix { $0 != "-" }).lowercased() } ?? "und"
        let stop = stopStems[primary] ?? []
        return registry.analyzer(for: primary).tokens(in: text).map(\.term).filter { term in
            term.count > 2 && !stop.contains(term) && !term.allSatisfy(\.isNumber)
        }
    }

    /// The commonest function words and greetings of the desk's languages (written for
    /// SupportKit from general knowledge of each language; not a published list).
    static let functionWords: [String: String] = [
        "en": """
            the a an and or but if of to in on at for with from by is are was were be been am i you he she it we they me my
            your our their this that these those have has had do does did not no yes can could will would should please hi
            hello dear thanks thank regards best there here what when where which who how why all any some just also so
            """,
        "sv": """
            och att det som en ett är jag du han hon vi ni de den detta för med på till av om inte har hade var vara kan
            skulle ska min mitt mina din ditt er ert era vår hej tack vänliga hälsningar mvh hur när var vad vilken här där
            också bara eller men så nu mig dig oss er dem sig från efter
            """,
        "da": """
            og at det som en et er jeg du han hun vi i de den dette for med på til af om ikke har havde var være kan skulle
            skal min mit mine din dit jeres vores hej tak venlig hilsen hvordan hvornår hvad hvilken her der også bare eller
            men så nu mig dig os dem sig fra efter
            """,
        "fi": """
            ja on ei se että minä sinä hän me te he tämä tuo ne mutta tai kun jos niin myös vain nyt minun sinun meidän
            teidän hei kiitos terveisin ystävällisin olen oli ovat ole voi voisin mikä missä milloin miten kuka tässä siellä
            """,
        "de": """
            der die das und oder aber wenn ich du er sie es wir ihr ein eine einen ist sind war waren sein bin hat haben habe
            nicht kein keine mit von zu im in an auf für bei aus nach mein meine dein ihr ihre unser hallo danke grüße
            freundlichen viele wie wann wo was welche hier dort auch nur noch schon so jetzt mich dich uns sich
            """,
        "it": """
            il lo la i gli le un una e o ma se di a da in con su per tra fra è sono era ero essere ho hai ha abbiamo non
            mio mia miei tuo tua suo sua nostro vostro ciao grazie saluti cordiali gentile come quando dove cosa quale qui
            anche solo già così ora mi ti ci vi si
            """,
    ]
}

/// Reads a store's event log into a ``KPIFold``: the events after the fold's cursor, with each
/// message event's facts read from the stored message.
public enum StoreFeed {
    /// The workflow record a fold state is saved under.
    public static let recordKind = "metrics"

    /// Folds every event after `fold.cursor`, reading `page` events at a time; `progress` hears
    /// the number of events folded so far after each page (for a progress line).
    ///
    /// - Throws: ``StorageError``.
    public static func fold(
        _ store: some SupportStore, into fold: inout KPIFold, analyzer: ComplaintAnalyzer = ComplaintAnalyzer(), page: Int = 10_000,
        progress: (Int) -> Void = { _ in }
    ) async throws(StorageError) {
        var folded = 0
        while true {
            let events = try await store.events(after: fold.cursor, limit: page)
            guard !events.isEmpty else { return }
            var items: [MetricsEvent] = []
            items.reserveCapacity(events.count)
            for event in events {
                var facts: MessageFacts?
                if let id = event.kind.message, let stored = try await store.message(id)?.message {
                    facts = MessageFacts.of(stored) { text, language in analyzer.terms(text, language: language) }
                }
                items.append(MetricsEvent(event, message: facts))
            }
            fold.fold(items)
            folded += items.count
            progress(folded)
        }
    }

    /// The fold saved in the store (empty when none), brought up to date with the log and saved
    /// again; `progress` hears the number of new events folded so far.
    ///
    /// - Throws: ``StorageError``. A saved state that does not decode (written by another version)
    ///   is dropped and the log folded again.
    public static func current(
        _ store: some SupportStore, analyzer: ComplaintAnalyzer = ComplaintAnalyzer(), progress: (Int) -> Void = { _ in }
    ) async throws(StorageError) -> KPIFold {
        // The saved fold is a cache of the log: one this code cannot read (an older shape) is
        // folded again from the first event.
        var fold = try await store.deskTransaction(firstTicketNumber: 1) { transaction in
            try? transaction.workflowRecord(kind: recordKind, key: "fold")?.decoded(as: KPIFold.self)
        } ?? KPIFold()
        let before = fold.cursor
        try await Self.fold(store, into: &fold, analyzer: analyzer, progress: progress)
        if fold.cursor != before {
            let saved = fold
            try await store.deskTransaction(firstTicketNumber: 1) { transaction in
                transaction.putWorkflowRecord(try .encoding(saved, kind: recordKind, key: "fold"))
            }
        }
        return fold
    }

    /// What a report needs of each owner: the stored party's tier, and its B2B account.
    public static func partyFacts(_ store: some SupportStore) async throws(StorageError) -> [PartyID: PartyFacts] {
        var facts: [PartyID: PartyFacts] = [:]
        for party in try await store.allParties() {
            switch party {
            case .account(let account): facts[account.id] = PartyFacts(tier: account.profile.tier.rawValue, account: account.id.rawValue)
            case .customer(let customer): facts[customer.id] = PartyFacts(tier: customer.profile.tier.rawValue)
            case .stakeholder(let stakeholder):
                facts[stakeholder.id] = PartyFacts(tier: stakeholder.profile.tier.rawValue, account: stakeholder.accountID.rawValue)
            }
        }
        return facts
    }
}
