import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage
import Synchronization

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

/// One statement's answer, handed from the event loop to the session thread that waits for it.
private final class StatementAnswer: Sendable {
    let operation: String
    private let result = Mutex<Result<PostgresQueryResult, any Error>?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    init(operation: String) { self.operation = operation }

    func deliver(_ answer: Result<PostgresQueryResult, any Error>) {
        result.withLock { $0 = answer }
        arrived.signal()
    }

    /// The answer, waiting at most `seconds`: a statement sent as the server dies may never be
    /// answered, and the thread waiting for it must not wait for ever.
    func wait(within seconds: TimeInterval) throws -> PostgresQueryResult {
        guard arrived.wait(timeout: .now() + max(0.1, seconds)) == .success else {
            throw StorageError.backend("\(operation): no answer from the server within \(Int(seconds)) s")
        }
        guard let answer = result.withLock({ $0 }) else { throw StorageError.backend("\(operation): the answer was lost") }
        return try answer.get()
    }
}

/// Synchronous statements over one leased connection, for the store's transaction bodies: the
/// desk's rules (``DeskTransaction``) and the search engine's segment reader are synchronous, so
/// a body runs on a serial dispatch queue of its own and each statement blocks that
/// thread until the server answers (the event loops and Swift's cooperative threads are never
/// blocked).
///
/// A statement run for its effect (``run(_:_:operation:)``) is sent without waiting: the
/// connection sends its statements in order, so the next statement that returns rows (and the
/// `COMMIT`) first waits for every effect sent before it and throws the first one that failed —
/// the transaction then rolls back as a whole. A write costs the thread no round trip of its
/// own; the transaction still commits only what succeeded, in order (docs/scaling.md).
final class PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// How long one statement may wait for its answer before the session gives up on it.
    let statementTimeout: TimeInterval
    /// Effects sent and not yet waited for, oldest first.
    private var unconfirmed: [StatementAnswer] = []

    init(connection: PostgresConnection, logger: Logger, statementTimeout: TimeInterval) {
        self.connection = connection
        self.logger = logger
        self.statementTimeout = statementTimeout
    }

    /// Sends a statement from the connection's event loop (one hop: the query, its answer's
    /// callback and nothing else are scheduled there).
    private func send(_ query: PostgresQuery, operation: String) -> StatementAnswer {
        let answer = StatementAnswer(operation: operation)
        let connection = self.connection
        let logger = self.logger
        connection.eventLoop.execute {
            connection.query(query, logger: logger).whenComplete { answer.deliver($0) }
        }
        return answer
    }

    private static func query(_ sql: String, _ values: [SQLValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .bytes(let data): try bindings.append(data)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// Waits for every effect sent so far; throws the first failure, naming its operation.
    func confirmEffects() throws(StorageError) {
        let pending = unconfirmed
        unconfirmed = []
        for answer in pending {
            do { _ = try answer.wait(within: statementTimeout) } catch {
                throw PostgresSupportStore.storageError(error, operation: answer.operation)
            }
        }
    }

    /// Runs a statement and returns its rows, after every effect sent before it succeeded.
    /// `operation` names it in the error.
    ///
    /// - Throws: ``StorageError/backend(_:)`` with the operation, SQLSTATE and the server's message
    ///   (of this statement or of the first earlier effect that failed).
    @discardableResult
    func rows(_ sql: String, _ values: [SQLValue] = [], operation: String) throws(StorageError) -> [SQLRow] {
        let answer: StatementAnswer
        do { answer = send(try Self.query(sql, values), operation: operation) } catch {
            throw PostgresSupportStore.storageError(error, operation: operation)
        }
        try confirmEffects()
        do {
            return try answer.wait(within: statementTimeout).rows.map(SQLRow.init)
        } catch {
            throw PostgresSupportStore.storageError(error, operation: operation)
        }
    }

    /// Sends a statement for its effect; its failure is thrown by the next statement that
    /// returns rows, or by the commit (see the type's documentation).
    func run(_ sql: String, _ values: [SQLValue] = [], operation: String) throws(StorageError) {
        do { unconfirmed.append(send(try Self.query(sql, values), operation: operation)) } catch {
            throw PostgresSupportStore.storageError(error, operation: operation)
        }
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
            // `rows`, not `run`: the commit waits for its answer and for every effect before it.
            try rows("COMMIT", operation: "commit")
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
        // Effects still in flight fail or finish before the ROLLBACK (the connection keeps their
        // order); their answers are of no use now.
        unconfirmed = []
        guard !connection.isClosed else { return }
        _ = try? send(PostgresQuery(unsafeSQL: "ROLLBACK"), operation: "rollback").wait(within: 5)
    }
}
