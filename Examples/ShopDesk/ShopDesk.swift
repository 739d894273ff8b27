import ArgumentParser
import DeskCLI
import DeskPostgres

/// The example B2C shop desk. Each subcommand lives in its own file.
@main
struct ShopDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-desk",
        abstract: "A B2C shop support desk built from SupportKit.",
        subcommands: [
            DemoCommand.self, ThreadCommand.self, IngestCommand.self, SearchCommand.self, TicketCommand.self, IdentityCommand.self,
            EventsCommand.self, ArticlesCommand.self, PrivacyCommand.self, PolicyCommand.self, AnalyzeCommand.self,
            DetectLanguageCommand.self, IndexCommand.self, CustomersCommand.self, ImportCommand.self, ReplyCommand.self,
            StatusCommand.self, AssignCommand.self, PriorityCommand.self, TagCommand.self, MergeCommand.self, SplitCommand.self,
            UndoCommand.self, QueueCommand.self, ShowCommand.self, RefundCommand.self, ApproveCommand.self, RefuseCommand.self,
            EscalateCommand.self, ThreadsCommand.self, SurveysCommand.self, ReportCommand.self, ExportCommand.self, HeldCommand.self,
        ]
    )

    static func main() async {
        PostgresStoreOpener.register()
        await runDesk(Self.self)
    }
}
