import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// One value bound to a `$n` parameter. Every value a caller passes reaches the server as a
/// bound parameter of the extended protocol, never as SQL text.
enum SQLValue: Sendable {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
    case bytes(Data?)
}

/// A row as the server sent it, read by column name; a missing or mistyped column is
/// ``StorageError/corrupt(_:)``.
struct SQLRow {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    private func cell(_ column: String) throws(StorageError) -> PostgresCell {
        guard row.contains(column) else { throw .corrupt("no column \(column)") }
        return row[column]
    }

    private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws(StorageError) -> T {
        let cell = try cell(column)
        do { return try cell.decode(T.self) } catch { throw .corrupt("column \(column) is not \(T.self)") }
    }

    func string(_ column: String) throws(StorageError) -> String {
        guard let value = try decode(String?.self, column) else { throw .corrupt("\(column) is null") }
        return value
    }

    func optionalString(_ column: String) throws(StorageError) -> String? { try decode(String?.self, column) }

    func int64(_ column: String) throws(StorageError) -> Int64 {
        guard let value = try decode(Int64?.self, column) else { throw .corrupt("\(column) is null") }
        return value
    }

    func optionalInt64(_ column: String) throws(StorageError) -> Int64? { try decode(Int64?.self, column) }

    func double(_ column: String) throws(StorageError) -> Double {
        guard let value = try decode(Double?.self, column) else { throw .corrupt("\(column) is null") }
        return value
    }

    func data(_ column: String) throws(StorageError) -> Data {
        guard let value = try decode(Data?.self, column) else { throw .corrupt("\(column) is null") }
        return value
    }

    func bool(_ column: String) throws(StorageError) -> Bool {
        guard let value = try decode(Bool?.self, column) else { throw .corrupt("\(column) is null") }
        return value
    }
}

/// Synchronous statements over one leased connection, for the store's transaction bodies: the
/// desk's rules (``DeskTransaction``) and the search engine's segment reader are synchronous, so
/// a body runs on a serial dispatch queue of its own and each statement blocks that
/// thread until the server answers (the event loops and Swift's cooperative threads are never
/// blocked).
final class PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// How long one statement may wait for its answer before the session gives up on it.
    let statementTimeout: TimeInterval

    init(connection: PostgresConnection, logger: Logger, statementTimeout: TimeInterval) {
        self.connection = connection
        self.logger = logger
        self.statementTimeout = statementTimeout
    }

    /// Waits for a statement's answer, at most `seconds`: a statement sent as the server dies
    /// may never be answered, and the thread waiting for it must not wait for ever.
    private func answer(_ query: PostgresQuery, within seconds: TimeInterval, operation: String) throws -> PostgresQueryResult {
        let answer = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        let deadline = connection.eventLoop.scheduleTask(in: .milliseconds(Int64(max(0.1, seconds) * 1_000))) {
            answer.fail(StorageError.backend("\(operation): no answer from the server within \(Int(seconds)) s"))
        }
        defer { deadline.cancel() }
        connection.query(query, logger: logger).cascade(to: answer)
        return try answer.futureResult.wait()
    }

    /// Runs a statement and returns its rows. `operation` names it in the error.
    ///
    /// - Throws: ``StorageError/backend(_:)`` with the operation, SQLSTATE and the server's message.
    @discardableResult
    func rows(_ sql: String, _ values: [SQLValue] = [], operation: String) throws(StorageError) -> [SQLRow] {
        do {
            var bindings = PostgresBindings(capacity: values.count)
            for value in values {
                switch value {
                case .text(let text): bindings.append(text)
                case .integer(let number): bindings.append(number)
                case .real(let number): bindings.append(number)
                case .bytes(let data): try bindings.append(data)
                }
            }
            let result = try answer(PostgresQuery(unsafeSQL: sql, binds: bindings), within: statementTimeout, operation: operation)
            return result.rows.map(SQLRow.init)
        } catch {
            throw PostgresSupportStore.storageError(error, operation: operation)
        }
    }

    /// Runs a statement for its effect.
    func run(_ sql: String, _ values: [SQLValue] = [], operation: String) throws(StorageError) {
        try rows(sql, values, operation: operation)
    }

    /// The first row of a statement, if any.
    func row(_ sql: String, _ values: [SQLValue] = [], operation: String) throws(StorageError) -> SQLRow? {
        try rows(sql, values, operation: operation).first
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// A write transaction first takes the store's write lock (a transaction-scoped advisory
    /// lock), so writers — in this process and in every other — run one after the other and
    /// each reads what the previous one committed; readers are never blocked (MVCC).
    func transaction<T>(write: Bool, _ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try run(write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", operation: "begin")
        do {
            if write {
                try run("SELECT pg_advisory_xact_lock($1)", [.integer(PostgresSupportStore.writeLockKey)], operation: "take the write lock")
            }
            let result = try body()
            try run("COMMIT", operation: "commit")
            return result
        } catch {
            rollBack()
            throw error
        }
    }

    /// Rolls the transaction back after a failure, waiting at most 5 s: when the failure was the
    /// connection itself (a server that died), a statement sent on it may never be answered, and
    /// the server has rolled the transaction back already.
    private func rollBack() {
        guard !connection.isClosed else { return }
        _ = try? answer(PostgresQuery(unsafeSQL: "ROLLBACK"), within: 5, operation: "rollback")
    }
}
