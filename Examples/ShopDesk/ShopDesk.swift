import ArgumentParser
import DeskCLI

/// The example B2C shop desk. Each subcommand lives in its own file.
@main
struct ShopDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-desk",
        abstract: "A B2C shop support desk built from SupportKit.",
        subcommands: [
            DemoCommand.self, ThreadCommand.self, IngestCommand.self, SearchCommand.self, TicketCommand.self, IdentityCommand.self,
            EventsCommand.self, ArticlesCommand.self, PrivacyCommand.self, PolicyCommand.self, AnalyzeCommand.self,
            DetectLanguageCommand.self, IndexCommand.self,
        ]
    )
}
