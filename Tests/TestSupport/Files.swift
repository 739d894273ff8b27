import Foundation

/// The SupportKit checkout these tests were built from (found from this file's path).
public let supportKitRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `Examples/data`: the example desks' customers, mailboxes, catalog and knowledge base.
public let examples = supportKitRoot.appendingPathComponent("Examples/data")

/// The example shop's week of mail (`Examples/data/shop.mbox`).
public let shopMailbox = examples.appendingPathComponent("shop.mbox").path

/// A fresh folder for store files, removed by the caller.
public func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("desk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// An executable of the package under test (`desk-writer`, `shop-desk`, …), built beside the test bundle.
public func tool(_ name: String) -> URL {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [
        Bundle.main.bundleURL.appendingPathComponent(name), products.appendingPathComponent(name),
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
}
