//! `atlas-integrations copy --from URL --to URL`: copies every organization, project, API key
//! and integration from one database to another (SQLite to PostgreSQL or back), with the same
//! key file on both sides, then checks the counts. Safe to run again.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use serde_json::json;

use super::{DatabaseArgs, print_json};
use crate::admin;
use crate::config::DatabaseConfig;
use crate::database;
use crate::store::redact_url;

/// Options of `copy`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The database to copy from.
    #[arg(long)]
    pub from: String,
    /// The database to copy into (created and migrated as needed).
    #[arg(long)]
    pub to: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub async fn run(args: CopyArgs) -> anyhow::Result<()> {
    let base: DatabaseConfig = args.database.into();
    let key_file: PathBuf = base.key_file().0;
    if !key_file.exists() {
        bail!(
            "the secret key file {} does not exist: copy needs the key file the source was sealed with \
             (--secret-key-file PATH)",
            key_file.display()
        );
    }
    let side = |url: &str| DatabaseConfig {
        database_url: Some(url.to_owned()),
        secret_key_file: Some(key_file.clone()),
        ..base.clone()
    };
    let from = database::open(&side(&args.from)).await?;
    let to = database::open(&side(&args.to)).await?;
    let report = admin::copy(from.store.as_ref(), to.store.as_ref()).await?;
    let counts = |c: crate::store::Counts| {
        json!({"organizations": c.organizations, "projects": c.projects, "apiKeys": c.api_keys,
               "integrations": c.integrations, "serviceAccounts": c.service_accounts})
    };
    print_json(&json!({
        "from": redact_url(&args.from),
        "to": redact_url(&args.to),
        "source": counts(report.source),
        "destination": counts(report.destination),
    }));
    Ok(())
}
