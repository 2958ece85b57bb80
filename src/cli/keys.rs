//! `atlas-integrations keys generate --out PATH`: writes a new master key file (mode 0600)
//! for replicas to share; never overwrites an existing file.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;

use super::print_json;
use crate::crypto::MasterKey;

/// Key file commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write a new secret key file.
    Generate {
        /// Where to write it; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Generate { out } => {
            MasterKey::generate().write_new(&out).with_context(|| {
                format!("no key written (an existing key file is never overwritten): {}", out.display())
            })?;
            print_json(&json!({"keyFile": out.display().to_string()}));
        }
    }
    Ok(())
}
