//! The command line of the one binary: `serve` (the default) and the admin commands, one
//! file each. Every command that touches the database takes the same database options.

mod alert;
mod api_key;
mod copy;
mod examples;
mod integration;
mod keys;
mod migrate;
mod org;
mod project;
mod serve;
mod service_account;
mod smtp;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::DatabaseConfig;
use crate::store::{Durability, PoolSettings};

/// A server for the MongoDB Atlas Third-Party Service Integrations API.
#[derive(Debug, Parser)]
#[command(name = "atlas-integrations", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How log lines are written to standard error: `text`, or `json` (one object a line).
    #[arg(long, global = true, env = "ATLAS_INTEGRATIONS_LOG_FORMAT", value_enum, default_value_t)]
    pub log_format: crate::telemetry::LogFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve(serve::ServeArgs),
    /// Manage organizations.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// Manage projects.
    #[command(subcommand)]
    Project(project::ProjectCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(api_key::ApiKeyCommand),
    /// Manage service accounts (OAuth 2.0 clients).
    #[command(subcommand, name = "service-account")]
    ServiceAccount(service_account::ServiceAccountCommand),
    /// Manage secret key files.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Copy everything from one database to another.
    Copy(copy::CopyArgs),
    /// Test an integration by sending it one alert.
    #[command(subcommand)]
    Integration(integration::IntegrationCommand),
    /// Raise, close and list alerts (an extension: Atlas raises alerts from its own monitoring).
    #[command(subcommand)]
    Alert(alert::AlertCommand),
}

/// Where the database is and how it is sealed.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Folder for the default SQLite database and generated key file.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL [default: sqlite://<data-dir>/atlas-integrations.db].
    #[arg(long = "database", env = "ATLAS_INTEGRATIONS_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Master key file (32 bytes, base64) [default: <data-dir>/secret.key, created on first start].
    #[arg(long, env = "ATLAS_INTEGRATIONS_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// A key file of a rotation in progress, whose sealed values stay readable (repeatable).
    #[arg(long = "previous-key-file", env = "ATLAS_INTEGRATIONS_PREVIOUS_KEY_FILES", value_delimiter = ',')]
    pub previous_key_files: Vec<PathBuf>,
    /// `full`: every acknowledged write is flushed to disk (survives power loss); `relaxed`:
    /// handed to the operating system (survives a crash of the process only).
    #[arg(long, env = "ATLAS_INTEGRATIONS_DURABILITY", default_value = "full", value_parser = ["full", "relaxed"])]
    pub durability: String,
    /// Most database connections this process opens.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// Milliseconds a request waits for a database connection before answering 503.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2000)]
    pub db_acquire_timeout_ms: u64,
    /// Milliseconds a PostgreSQL statement may run.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DB_STATEMENT_TIMEOUT_MS", default_value_t = 10000)]
    pub db_statement_timeout_ms: u64,
}

impl From<DatabaseArgs> for DatabaseConfig {
    fn from(args: DatabaseArgs) -> Self {
        DatabaseConfig {
            data_dir: args.data_dir,
            database_url: args.database_url,
            secret_key_file: args.secret_key_file,
            previous_key_files: args.previous_key_files,
            pool: PoolSettings {
                max_connections: args.db_max_connections,
                acquire_timeout: Duration::from_millis(args.db_acquire_timeout_ms),
                statement_timeout: Duration::from_millis(args.db_statement_timeout_ms),
                durability: match args.durability.as_str() {
                    "relaxed" => Durability::Relaxed,
                    _ => Durability::Full,
                },
            },
        }
    }
}

impl Cli {
    /// Parses the process's arguments, with an example at the end of every command's help;
    /// exits with clap's message on a bad command line.
    pub fn parse_with_examples() -> Cli {
        use clap::FromArgMatches;
        let matches = examples::command().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        None => {
            eprintln!(
                "No command given: serving the API (as `atlas-integrations serve`). \
                 `atlas-integrations --help` lists the admin commands."
            );
            Cli::parse_from(["atlas-integrations", "serve"]).command.expect("serve parses")
        }
    };
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Org(command) => org::run(command).await,
        Command::Project(command) => project::run(command).await,
        Command::ApiKey(command) => api_key::run(command).await,
        Command::ServiceAccount(command) => service_account::run(command).await,
        Command::Keys(command) => keys::run(command).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Copy(args) => copy::run(args).await,
        Command::Alert(command) => alert::run(command).await,
        Command::Integration(command) => integration::run(command).await,
    }
}

fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON values always serialise"));
}

/// Parses an id given on the command line.
fn parse_object_id(flag: &str, text: &str) -> anyhow::Result<crate::domain::ids::ObjectId> {
    crate::domain::ids::ObjectId::parse(text)
        .ok_or_else(|| anyhow::anyhow!("{flag} must be an id of 24 lower-case hex characters, not {text:?}"))
}

/// Where links in the notifications a command plans point: `given` (`--public-url`), else
/// the URL the servers on this database recorded as they started; links are under Atlas's v2
/// mount, as the servers' own.
pub(crate) async fn links_base(
    given: Option<&str>,
    store: &dyn crate::store::Store,
) -> anyhow::Result<String> {
    let origin = match given {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => store.notifications_url().await?.ok_or_else(|| {
            anyhow::anyhow!(
                "no server has started on this database yet, so the URL its notifications link under is not known: \
                 give --public-url (the URL people open the server at)"
            )
        })?,
    };
    Ok(format!("{origin}/api/atlas/v2"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
