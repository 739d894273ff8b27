import Conversation
import Foundation
import FuzzDriver

/// libFuzzer entry: the bytes are an mbox file. Splits it into messages (MailboxReader.mbox) and
/// parses each one, as a mailbox import does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    let parser = MailParser()
    for raw in MailboxReader.mbox(bytes, path: "fuzz.mbox") {
        precondition(raw.bytes.startIndex >= 0 && raw.bytes.endIndex <= bytes.count, "a message slice outside the file")
        _ = try? parser.parse(raw.bytes)
    }
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
