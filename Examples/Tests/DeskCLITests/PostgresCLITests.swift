import Foundation
import PostgresTestSupport
import Testing
import TestSupport

/// Every command the CLIs run works on both stores: the same commands on a SQLite file and on a
/// throwaway PostgreSQL database print the same thing — ticket numbers, threads, hits, exports,
/// erasure — each command a process of its own, so each one reopens the store.
@Suite("The example CLIs on PostgreSQL", .serialized)
struct PostgresCLITests {
    let now = "2026-11-18T10:30:00+01:00"

    /// Runs a command and requires it to succeed; returns what it printed.
    func output(_ name: String, _ arguments: [String], _ context: String) throws -> ToolRun {
        let result = try run(name, arguments)
        #expect(result.status == 0, "\(context): \(name) \(arguments.joined(separator: " ")): \(result.errors)")
        return result
    }

    /// What a command wrote to standard error, less the lines naming the store and the note
    /// about progress.
    func summary(_ run: ToolRun, store: String) -> [String] {
        run.errors.split(separator: "\n").map { $0.replacingOccurrences(of: store, with: "STORE") }
    }

    /// The shop story on one store: what each step printed, in order.
    func shopSession(_ store: String, _ context: String) throws -> [String] {
        var seen: [String] = []
        let data = examples.path
        let ingest = try output("shop-desk", [
            "ingest", shopMailbox, "--store", store, "--desk-address", "support@shop.example", "--first-ticket", "1001", "--history",
        ], context)
        seen += summary(ingest, store: store)
        // A second process on the same store: everything is already there.
        seen += summary(try output("shop-desk", ["ingest", shopMailbox, "--store", store, "--desk-address", "support@shop.example"], context), store: store)
        seen.append(try output("shop-desk", ["import", "\(data)/events.jsonl", "--store", store, "--region", "SE", "--explain"], context).output)
        for query in ["returnera", "order", "\"jacket\" OR jacka", "paket*"] {
            seen.append(try output("shop-desk", ["search", query, "--store", store, "--limit", "50"], context).output)
        }
        seen.append(try output("shop-desk", ["search", "order", "--party", "Anna.Svensson@example.se", "--store", store], context).output)
        for ticket in ["1001", "1002", "1003"] {
            seen.append(try output("shop-desk", ["show", ticket, "--store", store, "--now", now], context).output)
        }
        seen.append(try output("shop-desk", ["export", "--store", store, "--format", "jsonl"], context).output)
        // The export's `generatedAt` is the instant it ran; everything else must be equal.
        let exported = try output("shop-desk", ["privacy", "export", "lucia.rossi@example.it", "--store", store], context).output
        seen.append(exported.split(separator: "\n").filter { !$0.contains("\"generatedAt\"") }.joined(separator: "\n"))
        let erase = try output("shop-desk", ["privacy", "erase", "lucia.rossi@example.it", "--store", store], context)
        seen.append(erase.output)
        // After the erasure, other processes see it: no message, no hit, nobody to erase again.
        seen.append(try output("shop-desk", ["export", "--store", store, "--format", "jsonl"], context).output)
        seen.append(try output("shop-desk", ["search", "order", "--store", store, "--limit", "50"], context).output)
        seen.append(try output("shop-desk", ["show", "1001", "--store", store, "--now", now], context).output)
        seen.append("erase again: \(try run("shop-desk", ["privacy", "erase", "lucia.rossi@example.it", "--store", store]).status)")
        seen.append(try output("shop-desk", ["index", "stats", "--store", store], context).output.contains("\"segments\"") ? "stats" : "no stats")
        return seen
    }

    @Test func shopDeskPrintsOnPostgreSQLWhatItPrintsOnSQLite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = folder.appendingPathComponent("shop-desk.sqlite").path
        let postgres = try TestServer.freshDatabase()
        let onSQLite = try shopSession(sqlite, "SQLite")
        let onPostgres = try shopSession(postgres, "PostgreSQL")
        #expect(onSQLite.count == onPostgres.count)
        for (index, (expected, got)) in zip(onSQLite, onPostgres).enumerated() {
            #expect(got == expected, "step \(index) differs on PostgreSQL")
        }
        // The stories were not empty: tickets from 1001, hits, and an export of every message.
        #expect(onSQLite.contains { $0.contains("message_id") && $0.contains("1001") })
        #expect(onSQLite[0].contains(" stored") && onSQLite.contains { $0.contains("delete") })
    }

    @Test func accountDeskPrintsOnPostgreSQLWhatItPrintsOnSQLite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = examples.path
        func session(_ store: String, _ context: String) throws -> [String] {
            var seen = summary(try output("account-desk", [
                "ingest", "\(data)/b2b.mbox", "--accounts", "\(data)/accounts.json", "--store", store, "--desk-address", "b2b@shop.example",
                "--first-ticket", "2001", "--history",
            ], context), store: store)
            for stakeholder in ["s-karin", "s-per"] {
                seen.append(try output("account-desk", ["threads", "--as", stakeholder, "--store", store], context).output)
            }
            seen.append(try output("account-desk", ["show", "2003", "--as", "s-per", "--store", store, "--now", now], context).output)
            let refused = try run("account-desk", ["show", "2003", "--as", "s-karin", "--store", store, "--now", now])
            seen.append("karin: \(refused.status) \(refused.output)")
            seen.append(try output("account-desk", ["export", "--store", store], context).output)
            seen.append(try output("account-desk", ["search", "invoice", "--store", store], context).output)
            return seen
        }
        let onSQLite = try session(folder.appendingPathComponent("account-desk.sqlite").path, "SQLite")
        let onPostgres = try session(try TestServer.freshDatabase(), "PostgreSQL")
        #expect(onSQLite.count == onPostgres.count)
        for (index, (expected, got)) in zip(onSQLite, onPostgres).enumerated() {
            #expect(got == expected, "step \(index) differs on PostgreSQL")
        }
        #expect(onSQLite.contains { $0.contains("2001") })
    }

    @Test func aURLWithoutAServerIsAStoreFailureAndAnUnknownSchemeAUsageError() throws {
        let missing = try run("shop-desk", ["events", "--store", "postgresql://nobody:secret@/none?host=/nonexistent-socket-dir"])
        #expect(missing.status == 74, "\(missing.errors)")
        #expect(missing.errors.contains("cannot open store") && !missing.errors.contains("secret"), "\(missing.errors)")
        let unknown = try run("shop-desk", ["events", "--store", "mysql://localhost/shop"])
        #expect(unknown.status == 64 && unknown.errors.contains("mysql://"), "\(unknown.errors)")
    }
}
