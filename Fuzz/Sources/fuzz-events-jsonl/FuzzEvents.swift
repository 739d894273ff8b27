import Conversation
import Foundation
import FuzzDriver

/// libFuzzer entry: the bytes are a channel-events file (JSON Lines: chat, phone, social and web
/// form events). Must give one result per non-blank line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = ChannelEventReader.read(data, defaultRegion: "SE")
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
