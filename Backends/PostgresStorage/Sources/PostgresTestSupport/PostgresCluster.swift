import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster for tests (PostgresStorage's and the example CLIs'): `initdb` and `pg_ctl` in a temporary folder,
/// listening only on a unix socket in that folder (so its port never collides with anything).
/// As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
public final class PostgresCluster: Sendable {
    /// A server program failed: the command and what it printed on stderr.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The cluster's folder (data, socket, log).
    public let folder: URL
    /// The port, which names the socket file (`.s.PGSQL.<port>`).
    public let port: Int
    /// The data directory.
    public var dataDirectory: String { folder.appendingPathComponent("data").path }
    /// The directory of the server's unix socket.
    public var socketDirectory: String { folder.appendingPathComponent("socket").path }

    /// The folder of initdb, pg_ctl and psql: `SUPPORTKIT_PG_BIN`, else Debian's PostgreSQL 15.
    public static let binaries = ProcessInfo.processInfo.environment["SUPPORTKIT_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    private init(folder: URL, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// A new cluster, started. `settings` are appended to postgresql.conf.
    public static func start(port: Int = Int.random(in: 20_000...60_000), settings: [String] = []) throws -> PostgresCluster {
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
    public static func standby(of primary: PostgresCluster, name: String = "standby1") throws -> PostgresCluster {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportkit-pg-\(UUID().uuidString.prefix(8))")
        let cluster = PostgresCluster(folder: folder, port: Int.random(in: 20_000...60_000))
        try FileManager.default.createDirectory(atPath: cluster.socketDirectory, withIntermediateDirectories: true)
        try cluster.handToServerUser(folder.path)
        try cluster.server([
            "pg_basebackup", "-D", cluster.dataDirectory, "-h", primary.socketDirectory, "-p", "\(primary.port)", "-U", "postgres", "-R",
            "-X", "stream", "-c", "fast", "--no-sync",
        ])
        // The standby names itself in the replication connection, so the primary can wait for it by name.
        try cluster.configure([])
        // After the lines `-R` wrote (postgresql.auto.conf wins over postgresql.conf, the last line over
        // earlier ones): the standby names itself, so the primary can wait for it by name.
        let auto = folder.appendingPathComponent("data/postgresql.auto.conf")
        let conninfo = "primary_conninfo = 'host=\(primary.socketDirectory) port=\(primary.port) user=postgres application_name=\(name)'\n"
        try ((try String(contentsOf: auto, encoding: .utf8)) + conninfo).write(to: auto, atomically: true, encoding: .utf8)
        try cluster.handToServerUser(folder.path)
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
    public func url(database: String = "postgres") -> String {
        "postgresql://postgres@/\(database)?host=\(socketDirectory)&port=\(port)"
    }

    /// Creates an empty database; returns its URL.
    public func createDatabase(_ name: String) throws -> String {
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL through psql; returns what it printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(
            "\(Self.binaries)/psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", "\(port)", "-U", "postgres", "-d", database, "-c", sql])
    }

    /// Stops the server: `fast` (a clean shutdown) or `immediate` (as a crash: no checkpoint).
    public func stop(mode: String = "fast") {
        _ = try? server(["pg_ctl", "-D", dataDirectory, "-m", mode, "-w", "stop"])
    }

    /// Promotes a standby to primary and waits until it accepts writes.
    public func promote() throws {
        try server(["pg_ctl", "-D", dataDirectory, "-w", "promote"])
    }

    /// Stops the server and removes its folder.
    public func destroy() {
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

    /// Runs a program and returns its standard output. Output goes through files, not pipes:
    /// `pg_ctl start` leaves a server running that would hold a pipe open for ever.
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        try Self.run(program, arguments)
    }

    /// Runs a program to its end; returns its standard output, or throws ``Failure`` with its stderr.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String]) throws -> String {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("pg-out-\(UUID().uuidString)")
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("pg-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        // posix_spawn and waitpid, not Foundation's Process: its exit monitoring runs on a
        // dispatch queue, which the store's blocked statement threads can starve.
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_TRUNC, 0o644)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "\(program) could not start: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let printed = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        guard exitCode == 0 else {
            let complaint = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited \(exitCode): \(complaint)")
        }
        return printed
    }
}

/// The cluster the tests share: the one `SUPPORTKIT_POSTGRES_URL` names (scripts/postgres-tests.sh
/// starts it), or one this process starts on first use and stops at exit.
public enum TestServer {
    private static let started = Mutex<PostgresCluster?>(nil)
    private static let counter = Atomic<Int>(0)

    /// A new, empty database; returns its URL.
    public static func freshDatabase() throws -> String {
        let name = "t\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)_\(Int.random(in: 0..<1_000_000))"
        if let url = ProcessInfo.processInfo.environment["SUPPORTKIT_POSTGRES_URL"] {
            try createDatabase(name, server: url)
            return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        }
        return try shared().createDatabase(name)
    }

    /// The cluster this process starts on first use (stopped at exit), whose files a test may read.
    public static func shared() throws -> PostgresCluster {
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
        try PostgresCluster.run("\(PostgresCluster.binaries)/psql", [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", items["host"] ?? components.host ?? "/var/run/postgresql", "-p",
            items["port"] ?? components.port.map(String.init) ?? "5432", "-U", components.user ?? "postgres", "-d", "postgres", "-c",
            "CREATE DATABASE \(name)",
        ])
    }
}
