import ArgumentParser
import Foundation
import Logging
import SQLiteStorage
import Storage

/// The running tool's name (`shop-desk`, `account-desk`), for messages.
public let toolName = URL(fileURLWithPath: CommandLine.arguments.first ?? "desk").lastPathComponent

/// Writes `shop-desk: <message>` to standard error.
public func complain(_ message: String) {
    FileHandle.standardError.write(Data("\(toolName): \(message)\n".utf8))
}

/// Opens the store a `--store` argument names, erased so every command serves every backend:
/// a SQLite file, or a `scheme://…` URL (`postgresql://…`) through the opener an executable
/// registered for its scheme (``StoreOpeners``). A store that must exist (reads, agents' acts)
/// or may be created (imports): exit 66 for a missing SQLite store, 64 for a URL whose scheme
/// no opener serves, 74 for a store that cannot be opened.
public func openStore(_ location: String, create: Bool) async throws -> AnySupportStore {
    if let scheme = StoreOpeners.scheme(of: location) {
        guard let opener = StoreOpeners.opener(forScheme: scheme) else {
            complain("cannot open \(scheme):// stores: this build registers no opener for them (--store takes a SQLite file"
                + (scheme.hasPrefix("postgres") ? "; the Examples package's shop-desk and account-desk open postgresql:// URLs)" : ")"))
            throw ExitCode(64)
        }
        do { return AnySupportStore(try await opener(location, create)) } catch {
            complain("cannot open store \(displayedStore(location)): \(error)")
            throw ExitCode(74)
        }
    }
    guard create || FileManager.default.fileExists(atPath: location) else {
        complain("no store at \(location) (run \(toolName) ingest first)")
        throw ExitCode(66)
    }
    do { return AnySupportStore(try SQLiteSupportStore(path: location, options: SQLiteSupportStore.Options(logger: cliLogger))) } catch {
        complain("cannot open store \(location): \(error)")
        throw ExitCode(74)
    }
}

/// Runs a store act, turning the errors an agent can cause into exit codes: 66 for something
/// that does not exist, 65 for an act the stored state does not allow; other store failures
/// are thrown as they are.
public func agentAct<T>(_ act: () async throws(StorageError) -> T) async throws -> T {
    do { return try await act() } catch {
        switch error {
        case .notFound(let what):
            complain("not found: \(what)")
            throw ExitCode(66)
        case .refused, .placementRefused:
            complain("\(error)")
            throw ExitCode(65)
        default: throw error
        }
    }
}

/// The exit code of a store error: 66 for something that does not exist, 65 for an act the
/// stored state refuses, 74 for a store that failed.
public func exitCode(for error: StorageError) -> Int32 {
    switch error {
    case .notFound: 66
    case .refused, .placementRefused, .invalidQuery: 65
    default: 74
    }
}

/// A command that failed after some of its transactions had committed (a batched ingest):
/// what was written stays, and running it again finishes the work (ingest is idempotent).
public struct PartlyWritten: Error, CustomStringConvertible {
    /// Messages stored before the failure.
    public var stored: Int
    /// What failed.
    public var error: StorageError

    public var description: String {
        "\(error) — \(stored) messages were stored before it; run the command again to finish (nothing is stored twice)"
    }
}

/// Runs a desk tool's root command: parses the process's arguments (with `search`'s dashed
/// query words read as a query, ``SearchCommand/rewritingDashQueries(_:)``), runs the command,
/// and exits with its code: 64 for a usage error (as ArgumentParser reports them), 74 for a
/// store failure with nothing of the failed transaction written, 75 when earlier batches of the
/// command were written (``PartlyWritten``).
public func runDesk<Root: ParsableCommand>(_ root: Root.Type) async {
    let arguments: [String]
    do {
        let (rest, level) = try LogLevelOption.extract(Array(CommandLine.arguments.dropFirst()))
        LogLevelOption.bootstrap(level)
        arguments = rest
    } catch {
        complain("\(error)")
        exit(64)
    }
    do {
        var command = try root.parseAsRoot(SearchCommand.rewritingDashQueries(arguments))
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch let error as PartlyWritten {
        complain("\(error)")
        exit(75)
    } catch let error as StorageError {
        complain("\(error) (nothing of the failed change was written)")
        exit(exitCode(for: error))
    } catch {
        root.exit(withError: error)
    }
}
