import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` in a temporary folder,
/// listening only on a unix socket in that folder (so its port never collides with anything).
/// As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
final class PostgresCluster: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let folder: URL
    let port: Int
    var dataDirectory: String { folder.appendingPathComponent("data").path }
    var socketDirectory: String { folder.appendingPathComponent("socket").path }

    /// The folder of initdb, pg_ctl and psql: `SUPPORTKIT_PG_BIN`, else Debian's PostgreSQL 15.
    static let binaries = ProcessInfo.processInfo.environment["SUPPORTKIT_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    private init(folder: URL, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// A new cluster, started. `settings` are appended to postgresql.conf.
    static func start(port: Int = Int.random(in: 20_000...60_000), settings: [String] = []) throws -> PostgresCluster {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportkit-pg-\(UUID().uuidString.prefix(8))")
        let cluster = PostgresCluster(folder: folder, port: port)
        try FileManager.default.createDirectory(atPath: cluster.socketDirectory, withIntermediateDirectories: true)
        try cluster.handToServerUser(folder.path)
        try cluster.server(["initdb", "-D", cluster.dataDirectory, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        try cluster.configure(settings)
        try cluster.startServer()
        return cluster
    }

    /// A streaming standby of `primary` (a base backup with `-R`), started; with
    /// `synchronous`, the primary waits for it at every commit (`synchronous_standby_names`).
    static func standby(of primary: PostgresCluster, name: String = "standby1") throws -> PostgresCluster {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportkit-pg-\(UUID().uuidString.prefix(8))")
        let cluster = PostgresCluster(folder: folder, port: Int.random(in: 20_000...60_000))
        try FileManager.default.createDirectory(atPath: cluster.socketDirectory, withIntermediateDirectories: true)
        try cluster.handToServerUser(folder.path)
        try cluster.server([
            "pg_basebackup", "-D", cluster.dataDirectory, "-h", primary.socketDirectory, "-p", "\(primary.port)", "-U", "postgres", "-R",
            "-X", "stream", "--no-sync",
        ])
        // The standby names itself in the replication connection, so the primary can wait for it by name.
        try cluster.configure([
            "primary_conninfo = 'host=\(primary.socketDirectory) port=\(primary.port) user=postgres application_name=\(name)'",
        ])
        try cluster.startServer()
        return cluster
    }

    private func configure(_ settings: [String]) throws {
        let conf = folder.appendingPathComponent("data/postgresql.conf")
        let base = [
            "listen_addresses = ''", "port = \(port)", "unix_socket_directories = '\(socketDirectory)'", "fsync = on",
            "max_connections = 60", "shared_buffers = 32MB", "wal_level = replica", "max_wal_senders = 4",
        ]
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + (base + settings).joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let hba = folder.appendingPathComponent("data/pg_hba.conf")
        let line = "\nlocal replication all trust\n"
        let existing = (try? String(contentsOf: hba, encoding: .utf8)) ?? ""
        if !existing.contains("local replication all trust") {
            try (existing + line).write(to: hba, atomically: true, encoding: .utf8)
        }
        try handToServerUser(folder.path)
    }

    private func startServer() throws {
        try server(["pg_ctl", "-D", dataDirectory, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "start"])
    }

    /// The connection URL of a database in this cluster.
    func url(database: String = "postgres") -> String {
        "postgresql://postgres@/\(database)?host=\(socketDirectory)&port=\(port)"
    }

    /// Creates an empty database; returns its URL.
    func createDatabase(_ name: String) throws -> String {
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL through psql; returns what it printed (unaligned, tuples only).
    @discardableResult
    func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(
            "\(Self.binaries)/psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", "\(port)", "-U", "postgres", "-d", database, "-c", sql])
    }

    /// Stops the server: `fast` (a clean shutdown) or `immediate` (as a crash: no checkpoint).
    func stop(mode: String = "fast") {
        _ = try? server(["pg_ctl", "-D", dataDirectory, "-m", mode, "-w", "stop"])
    }

    /// Promotes a standby to primary and waits until it accepts writes.
    func promote() throws {
        try server(["pg_ctl", "-D", dataDirectory, "-w", "promote"])
    }

    /// Stops the server and removes its folder.
    func destroy() {
        stop(mode: "immediate")
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Processes

    private static let isRoot = getuid() == 0

    private func handToServerUser(_ path: String) throws {
        if Self.isRoot { try run("/bin/chown", ["-R", "postgres:postgres", path]) }
    }

    /// Runs a server program (as `postgres` when we are root).
    @discardableResult
    private func server(_ arguments: [String]) throws -> String {
        let program = "\(Self.binaries)/\(arguments[0])"
        if Self.isRoot { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments.dropFirst()) }
        return try run(program, Array(arguments.dropFirst()))
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + (String(data: complaint, encoding: .utf8) ?? ""))
        }
        return String(data: printed, encoding: .utf8) ?? ""
    }
}

/// The cluster the tests share: the one `SUPPORTKIT_POSTGRES_URL` names (scripts/postgres-tests.sh
/// starts it), or one this process starts on first use and stops at exit.
enum TestServer {
    private static let started = Mutex<PostgresCluster?>(nil)
    private static let counter = Atomic<Int>(0)

    /// A new, empty database; returns its URL.
    static func freshDatabase() throws -> String {
        let name = "t\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)_\(Int.random(in: 0..<1_000_000))"
        if let url = ProcessInfo.processInfo.environment["SUPPORTKIT_POSTGRES_URL"] {
            try createDatabase(name, server: url)
            return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        }
        return try shared().createDatabase(name)
    }

    static func shared() throws -> PostgresCluster {
        try started.withLock { cluster in
            if let cluster { return cluster }
            let new = try PostgresCluster.start()
            cluster = new
            atexit { TestServer.stopShared() }
            return new
        }
    }

    private static func stopShared() {
        started.withLock { $0?.destroy() }
    }

    /// `CREATE DATABASE` through psql on the server a `postgresql://…/postgres?host=…&port=…` URL names.
    private static func createDatabase(_ name: String, server url: String) throws {
        guard let components = URLComponents(string: url) else { throw PostgresCluster.Failure(description: "bad URL \(url)") }
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(PostgresCluster.binaries)/psql")
        process.arguments = [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", items["host"] ?? components.host ?? "/var/run/postgresql", "-p",
            items["port"] ?? components.port.map(String.init) ?? "5432", "-U", components.user ?? "postgres", "-d", "postgres", "-c",
            "CREATE DATABASE \(name)",
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresCluster.Failure(description: "CREATE DATABASE \(name) failed") }
    }
}
