import DeskCLI
import Logging
import PostgresStorage
import Storage

// `PostgresSupportStore`'s close, search report and index upkeep already have the shapes the
// commands call (its `close` cannot fail, which a throwing requirement accepts).
extension PostgresSupportStore: CommandLineStore {}

/// Plugs PostgreSQL into the example CLIs: `--store postgresql://…` (or `postgres://…`, a
/// libpq-style URL whose `host=` may name a unix-socket directory) opens a
/// `PostgresSupportStore` over that database, applying the migrations it lacks.
public enum PostgresStoreOpener {
    /// Registers the opener for `postgresql://` and `postgres://`. Call it once, before the
    /// arguments are parsed (the executables' `main` does).
    public static func register() {
        let opener: StoreOpeners.Opener = { location, _ throws(StorageError) in
            // A database is created by its administrator, not by `--store`: `create` changes nothing here.
            try await PostgresSupportStore(url: location, options: PostgresSupportStore.Options(logger: cliLogger))
        }
        for scheme in ["postgresql", "postgres"] { StoreOpeners.register(scheme: scheme, opener) }
    }
}
