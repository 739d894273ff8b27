import Foundation
import Testing
import TestSupport

/// `--log-level` and the desk-address warning, as a person running the CLIs sees them.
@Suite("The example CLIs' logging and warnings")
struct CLILoggingTests {
    @Test func theCLIsLogLevelShowsDecisionsOnStandardError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("a.mbox")
        try writeMbox([hostileMail(from: "a@a.example", subject: "Where is it", id: "x@a.example", minute: 0, text: "parcel")], to: mbox)
        let store = folder.appendingPathComponent("s.sqlite").path
        let quiet = try run("shop-desk", ["ingest", mbox.path, "--store", store])
        #expect(quiet.status == 0 && !quiet.errors.contains("threaded"))
        let loud = try run("shop-desk", ["ingest", mbox.path, "--store", store + "2", "--log-level", "debug"])
        #expect(loud.status == 0 && loud.errors.contains("threaded") && loud.errors.contains("rule=newThread"), "\(loud.errors)")
        #expect((loud.output + loud.errors).contains("1 stored"))
        #expect(try run("shop-desk", ["ingest", mbox.path, "--store", store, "--log-level", "chatty"]).status == 64)
    }

    @Test func threadAndIngestWarnWithoutTheDeskAddressAndNotWithIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mbox = folder.appendingPathComponent("trap.mbox")
        try writeMbox(deskAddressTrapMailbox(), to: mbox)
        for arguments in [["thread", mbox.path], ["ingest", mbox.path, "--store", folder.appendingPathComponent("s.sqlite").path]] {
            let bare = try run("shop-desk", arguments)
            #expect(bare.status == 0)
            #expect(bare.errors.contains("warning: help@shop.example wrote to 5 different addresses"), "\(arguments): \(bare.errors)")
            let told = try run("shop-desk", arguments + ["--desk-address", "help@shop.example", "--history"].filter {
                arguments[0] == "ingest" || $0 != "--history"
            })
            #expect(told.status == 0 && !told.errors.contains("warning:"), "\(told.errors)")
        }
    }
}
