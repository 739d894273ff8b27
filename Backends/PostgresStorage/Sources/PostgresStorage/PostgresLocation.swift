import Foundation
import PostgresNIO
import Storage

/// Where a PostgreSQL store lives, read from a libpq-style connection URL:
///
///     postgresql://[user[:password]@][host][:port][/database][?key=value&…]
///
/// `postgres://` is accepted too. Query keys override the URL's parts, as libpq's do: `host`,
/// `port`, `user`, `password`, `dbname`, `sslmode` (`disable`, `prefer` or `require`). A host
/// that starts with `/` (in the authority percent-encoded, `%2Fvar%2Frun%2Fpostgresql`, or as
/// `?host=/var/run/postgresql`) names the directory of the server's unix socket, and the
/// socket is `<directory>/.s.PGSQL.<port>` as libpq finds it. Without a host, the socket
/// directory is `PGHOST` or `/var/run/postgresql`; without a user, `PGUSER`, then `USER`, then
/// `postgres`; the database defaults to the user's name; the port to `PGPORT` or 5432.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is secured.
    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    /// A TCP host name, or the directory of a unix socket (starting with `/`).
    public var host: String
    /// The server's port (for a unix socket, part of the socket's file name).
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// TLS over TCP (a unix socket never uses it).
    public var tls: TLSMode

    /// Whether the connection goes through a unix socket.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// Whether a `--store` argument names a PostgreSQL store rather than a SQLite file.
    public static func isURL(_ argument: String) -> Bool {
        argument.hasPrefix("postgresql://") || argument.hasPrefix("postgres://")
    }

    /// Reads a connection URL.
    ///
    /// - Throws: ``StorageError/backend(_:)`` naming what is wrong (a different scheme, a port
    ///   that is not a number, an unknown `sslmode`).
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StorageError) {
        guard Self.isURL(url), let components = URLComponents(string: url) else {
            throw .backend("not a postgresql:// URL: \(Self.redacted(url))")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let host = query["host"] ?? components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding } ?? environment["PGHOST"]
        self.host = host ?? "/var/run/postgresql"
        if let text = query["port"] ?? components.port.map(String.init) ?? environment["PGPORT"] {
            guard let port = Int(text), (1...65_535).contains(port) else { throw .backend("not a port: \(text)") }
            self.port = port
        } else {
            port = 5432
        }
        let user = query["user"] ?? components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        self.user = user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = query["password"] ?? components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = query["dbname"] ?? (path.isEmpty ? nil : path.removingPercentEncoding)
        self.database = database ?? environment["PGDATABASE"] ?? self.user
        let mode = query["sslmode"] ?? "disable"
        guard let tls = TLSMode(rawValue: mode) else { throw .backend("sslmode \(mode) is not disable, prefer or require") }
        self.tls = tls
    }

    /// The URL without its password.
    public var description: String {
        let place = isUnixSocket ? "?host=\(host)&port=\(port)" : "\(host):\(port)"
        return isUnixSocket ? "postgresql://\(user)@/\(database)\(place)" : "postgresql://\(user)@\(place)/\(database)"
    }

    /// The pool's configuration.
    var clientConfiguration: PostgresClient.Configuration {
        if isUnixSocket {
            let directory = host.hasSuffix("/") ? String(host.dropLast()) : host
            return PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        let mode: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
    }

    /// A URL with any password replaced, for error messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(unreadable URL)"
    }
}
