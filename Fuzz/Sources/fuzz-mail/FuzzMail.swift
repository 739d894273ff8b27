import Conversation
import Foundation
import FuzzDriver

/// libFuzzer entry: the bytes are one e-mail message. Parses it (MailParser) and turns the
/// result into a SupportMessage, as intake does. Any input must give a message or a
/// MailParseError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    guard let mail = try? MailParser().parse(bytes) else { return 0 }
    let message = SupportMessage(mail: mail, receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    _ = message.text.count
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
