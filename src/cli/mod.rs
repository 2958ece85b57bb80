//! The command line of the one binary: `serve` (the default) and the admin commands, one
//! file each. Every command that touches the database takes the same database options.

mod api_key;
mod project;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::DatabaseConfig;

/// A server for the MongoDB Atlas Third-Party Service Integrations API.
#[derive(Debug, Parser)]
#[command(name = "atlas-integrations", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve(serve::ServeArgs),
    /// Manage projects.
    #[command(subcommand)]
    Project(project::ProjectCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(api_key::ApiKeyCommand),
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
}

impl From<DatabaseArgs> for DatabaseConfig {
    fn from(args: DatabaseArgs) -> Self {
        DatabaseConfig {
            data_dir: args.data_dir,
            database_url: args.database_url,
            secret_key_file: args.secret_key_file,
        }
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        None => Cli::parse_from(["atlas-integrations", "serve"]).command.expect("serve parses"),
    };
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Project(command) => project::run(command).await,
        Command::ApiKey(command) => api_key::run(command).await,
    }
}

fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON values always serialise"));
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
