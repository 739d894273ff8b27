import ArgumentParser
import DeskCLI
import Conversation
import Foundation
import SQLiteStorage
import Storage

/// `shop-desk articles ...`: the knowledge base (self-service answers).
struct ArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles", abstract: "The knowledge base: import articles, search them, suggest them for a message.",
        subcommands: [ArticlesImportCommand.self, ArticlesSearchCommand.self, ArticlesSuggestCommand.self])
}

func printArticles(_ hits: [ArticleHit]) {
    for hit in hits {
        print("\(String(format: "%7.3f", hit.score))  \(hit.id)@\(hit.locale)  \(hit.title)")
        print("         \(hit.snippet.marked())")
    }
}

/// `shop-desk articles import FILE.json`: a JSON array of articles (id, locale, title, body, tags, updatedAt).
struct ArticlesImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Add or replace articles from a JSON file.")

    @Argument(help: "A JSON array of {id, locale, title, body, tags, updatedAt (ISO 8601)}.")
    var file: String

    @Option(help: "The store: a SQLite file (created when missing) or a postgresql:// URL.")
    var store = "shop-desk.sqlite"

    func run() async throws {
        let articles: [KnowledgeArticle]
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            articles = try decoder.decode([KnowledgeArticle].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            FileHandle.standardError.write(Data("shop-desk: \(file): \(error)\n".utf8))
            throw ExitCode(65)
        }
        let sqlite = try await openStore(store, create: true)
        for article in articles { try await sqlite.upsertArticle(article) }
        try await sqlite.close()
        FileHandle.standardError.write(Data("shop-desk: \(articles.count) articles → \(store)\n".utf8))
    }
}

/// `shop-desk articles search "QUERY"`.
struct ArticlesSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search the knowledge base.")

    @Argument(help: "The query (same language as message search).")
    var query: String

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = "shop-desk.sqlite"

    @Option(help: "Only articles in this language (repeatable).")
    var locale: [String] = []

    func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let filter = SearchFilter(languages: locale.isEmpty ? nil : Set(locale))
        printArticles(try await sqlite.searchArticles(SearchQuery(query, filter: filter, limit: 5)))
    }
}

/// `shop-desk articles suggest MESSAGE-ID`: what the chatbot or agent would offer for a stored message.
struct ArticlesSuggestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest", abstract: "Suggest articles for a stored message (the self-service and chatbot hand-off path).")

    @Argument(help: "The message id (Message-ID without angle brackets).")
    var messageID: String

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = "shop-desk.sqlite"

    @Option(help: "How many articles.")
    var limit = 3

    func run() async throws {
        let sqlite = try await openStore(store, create: false)
        guard let stored = try await sqlite.message(MessageID(messageID)) else {
            FileHandle.standardError.write(Data("shop-desk: no message \(messageID) in \(store)\n".utf8))
            throw ExitCode(66)
        }
        printArticles(try await sqlite.suggestArticles(for: stored.message, limit: limit))
    }
}
