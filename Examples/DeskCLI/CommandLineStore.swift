import Foundation
import SQLiteStorage
import Storage
import Synchronization

/// What the example CLIs ask of a store beyond ``Storage/SupportStore``: closing it, search
/// with the notes a person reads, and upkeep of the message search index (`index stats`,
/// `index merge`, `index rebuild`).
///
/// `SQLiteSupportStore` conforms here. Another backend conforms where it is plugged in — an
/// empty extension when its methods already have these shapes — and registers how to open it
/// with ``StoreOpeners/register(scheme:_:)``.
public protocol CommandLineStore: SupportStore {
    /// Finishes the store's work (checkpoints, connections); the store is not used afterwards.
    func close() async throws(StorageError)
    /// The hits of a message search and notes about the query (words no message has, …).
    func searchReport(_ query: SearchQuery) async throws(StorageError) -> SearchReport
    /// Merges search segments by size tier, or all of them into one (`mergeAll`).
    func checkpointSearchIndex(mergeAll: Bool) async throws(StorageError)
    /// Analyzes every message again into fresh segments, merged into one with `mergeAll`.
    func rebuildSearchIndex(mergeAll: Bool) async throws(StorageError)
    /// The bytes the message search index occupies in the store.
    func searchIndexBytes() async throws(StorageError) -> Int
    /// Documents per search segment, oldest first.
    func searchSegmentSizes() async throws(StorageError) -> [Int]
}

extension SQLiteSupportStore: CommandLineStore {}

/// Every command runs over the erased store ``openStore(_:create:)`` returns, so one command
/// serves every backend. It forwards to the wrapped store, which `openStore` guarantees is a
/// ``CommandLineStore``; wrapped by hand around another store, `close` does nothing, search
/// reports carry no notes and index upkeep throws.
extension AnySupportStore: CommandLineStore {
    var commandLine: (any CommandLineStore)? { base as? any CommandLineStore }

    public func close() async throws(StorageError) { try await commandLine?.close() }

    public func searchReport(_ query: SearchQuery) async throws(StorageError) -> SearchReport {
        if let commandLine { return try await commandLine.searchReport(query) }
        return SearchReport(hits: try await search(query), notes: [])
    }

    public func checkpointSearchIndex(mergeAll: Bool) async throws(StorageError) {
        try await upkeep().checkpointSearchIndex(mergeAll: mergeAll)
    }

    public func rebuildSearchIndex(mergeAll: Bool) async throws(StorageError) {
        try await upkeep().rebuildSearchIndex(mergeAll: mergeAll)
    }

    public func searchIndexBytes() async throws(StorageError) -> Int { try await upkeep().searchIndexBytes() }

    public func searchSegmentSizes() async throws(StorageError) -> [Int] { try await upkeep().searchSegmentSizes() }

    private func upkeep() throws(StorageError) -> any CommandLineStore {
        guard let commandLine else { throw .backend("\(type(of: base)) has no search index upkeep") }
        return commandLine
    }
}

/// How the CLIs open a `--store` that is a URL (`postgresql://…`): an executable registers an
/// opener per URL scheme once, before it parses its arguments — an explicit bootstrap, as
/// `LoggingSystem.bootstrap` is — so that ``DeskCLI`` itself never links a server backend.
/// A `--store` that is not a URL is a SQLite file.
public enum StoreOpeners {
    /// Opens the store at a location (the whole `--store` argument). `create` says whether the
    /// command may create an empty store; the opener throws what went wrong.
    public typealias Opener = @Sendable (_ location: String, _ create: Bool) async throws(StorageError) -> any CommandLineStore

    private static let openers = Mutex<[String: Opener]>([:])

    /// Registers `opener` for `scheme://…` locations (the scheme without `://`, any letter case),
    /// replacing an earlier one.
    public static func register(scheme: String, _ opener: @escaping Opener) {
        openers.withLock { $0[scheme.lowercased()] = opener }
    }

    /// The opener registered for a scheme, if any.
    public static func opener(forScheme scheme: String) -> Opener? {
        openers.withLock { $0[scheme.lowercased()] }
    }

    /// The scheme of a location written `scheme://…` (letters, digits, `+`, `-`, `.`, starting
    /// with a letter), or nil for a file path.
    public static func scheme(of location: String) -> String? {
        guard let range = location.range(of: "://") else { return nil }
        let scheme = location[..<range.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(scheme)
    }
}

/// A `--store` argument as messages may show it: a URL without its password.
public func displayedStore(_ location: String) -> String {
    guard StoreOpeners.scheme(of: location) != nil, var components = URLComponents(string: location) else { return location }
    var redacted = false
    if components.password != nil {
        components.password = "***"
        redacted = true
    }
    if let items = components.queryItems, items.contains(where: { $0.name == "password" }) {
        components.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        redacted = true
    }
    return redacted ? components.string ?? "(a URL)" : location
}
