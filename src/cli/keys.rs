//! `atlas-integrations keys generate --out PATH` writes a new master key file (mode 0600)
//! for replicas to share, never overwriting one; `keys rotate --new-key-file PATH` re-seals
//! everything stored under that new key.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;

use super::{DatabaseArgs, print_json};
use crate::config::DatabaseConfig;
use crate::crypto::MasterKey;
use crate::database;

/// Key file commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write a new secret key file.
    Generate {
        /// Where to write it; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Re-seal every stored secret under a new key (--secret-key-file names the current one).
    Rotate {
        /// The new key file (see `keys generate`).
        #[arg(long)]
        new_key_file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Generate { out } => {
            MasterKey::generate().write_new(&out).with_context(|| {
                format!("no key written (an existing key file is never overwritten): {}", out.display())
            })?;
            print_json(&json!({"keyFile": out.display().to_string()}));
        }
        KeysCommand::Rotate { new_key_file, database } => {
            let mut config: DatabaseConfig = database.into();
            let (current, _) = config.key_file();
            config.previous_key_files.push(current);
            config.secret_key_file = Some(new_key_file.clone());
            let db = database::open(&config).await?;
            let done = db.store.reseal_all().await?;
            print_json(&json!({
                "keyFile": new_key_file.display().to_string(),
                "resealed": {"integrations": done.integrations, "apiKeys": done.api_keys, "alertConfigs": done.alert_configs,
                              "notifications": done.notifications},
            }));
        }
    }
    Ok(())
}
