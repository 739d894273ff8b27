import Foundation
import SearchWorkload

// Writes the search workload (corpus and queries) as JSON Lines for scripts/search_peers.py:
//   swift run -c release export-search-workload 1000000 --corpus /tmp/search-1M.jsonl --queries /tmp/search-1M-queries.jsonl
// Options: --queries-per-class N (default 300; each draw gives an unfiltered and a party-filtered query).
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
guard arguments.count > 1, let count = Int(arguments[1]), let corpusPath = option("--corpus"),
    let queriesPath = option("--queries")
else {
    FileHandle.standardError.write(Data("usage: export-search-workload N --corpus FILE --queries FILE [--queries-per-class N]\n".utf8))
    exit(64)
}
let perClass = option("--queries-per-class").flatMap(Int.init) ?? 300

func write(_ path: String, _ produce: ((String) -> Void) -> Void) {
    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
        FileHandle.standardError.write(Data("cannot write \(path)\n".utf8))
        exit(1)
    }
    var buffer = ""
    buffer.reserveCapacity(1 << 21)
    produce { line in
        buffer += line
        buffer += "\n"
        if buffer.utf8.count >= 1 << 20 {
            handle.write(Data(buffer.utf8))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(buffer.utf8))
    try? handle.close()
}

do {
    let workload = try SearchWorkload(messageCount: count, queriesPerClass: perClass)
    write(corpusPath) { workload.forEachCorpusLine($0) }
    write(queriesPath) { workload.forEachQueryLine($0) }
    print("wrote \(workload.messages.count) messages to \(corpusPath) and \(workload.queries.count) queries to \(queriesPath)")
    print("vocabulary per language (\(workload.languages.joined(separator: ", "))): \(workload.vocabularySizes.map(String.init).joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
