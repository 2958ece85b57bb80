//! `atlas-integrations copy --from URL --to URL`: copies everything the store keeps from one
//! database into another, empty one (SQLite to PostgreSQL or back), with the same key file on
//! both sides, in one transaction, then prints each table's rows on both sides.

use std::path::PathBuf;

use anyhow::{Context, bail};
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
    if let Some(path) = args.from.strip_prefix("sqlite://").map(|rest| rest.split('?').next().unwrap_or(rest))
        && !std::path::Path::new(path).exists()
    {
        bail!(
            "the source database {path} does not exist: name the SQLite file the server used (--from sqlite://PATH)"
        );
    }
    let from = database::open(&side(&args.from)).await.context("cannot open the source database")?;
    let to = database::open(&side(&args.to)).await.context("cannot open the destination database")?;
    let report = admin::copy(from.store.as_ref(), to.store.as_ref()).await?;
    let counts = |tables: Vec<(String, u64)>| {
        tables.into_iter().map(|(table, rows)| (table, json!(rows))).collect::<serde_json::Map<_, _>>()
    };
    print_json(&json!({
        "from": redact_url(&args.from),
        "to": redact_url(&args.to),
        "source": counts(report.source),
        "destination": counts(report.destination),
    }));
    Ok(())
}
