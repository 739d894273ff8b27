import Conversation
import Foundation
import FuzzDriver

/// The header of a one-part HTML mail: the fuzzer's bytes become its body.
private let header = Array("From: a@example.com\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".utf8)

/// libFuzzer entry: the bytes are an HTML body. HTML → text (libxml2's HTML parser and the
/// walk over its tree) is internal to Conversation, so it is reached as intake reaches it: a
/// mail whose only text part is text/html is rendered to text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    var bytes = header
    if let start { bytes.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count)) }
    guard let mail = try? MailParser().parse(bytes) else { return 0 }
    _ = mail.text.utf8.count
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
