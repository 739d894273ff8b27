import Foundation
import FuzzDriver
import Storage

/// libFuzzer entry: the bytes (as UTF-8, repaired) are search-box text. Parses it as a query
/// (SearchQuery's syntax: phrases, `-`, `OR`, prefixes); must give clauses or a SearchQueryError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? ParsedQuery(parsing: text)
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
