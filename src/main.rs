//! The `atlas-integrations` binary: parses the command line and runs it.

/// mimalloc: a request makes many small, short-lived allocations, which glibc's allocator
/// spends a sixth of the server's instructions on (bench/callgrind.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = atlas_integrations::cli::Cli::parse_with_examples();
    atlas_integrations::telemetry::init(cli.log_format);
    match atlas_integrations::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
