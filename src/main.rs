//! The `atlas-integrations` binary: parses the command line and runs it.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    atlas_integrations::telemetry::init();
    let cli = atlas_integrations::cli::Cli::parse();
    match atlas_integrations::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
