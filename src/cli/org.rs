//! `atlas-integrations org create|list`.

use clap::Subcommand;
use serde_json::json;

use super::{DatabaseArgs, print_json};
use crate::admin;
use crate::database;
use crate::domain::project::Organization;

/// Organization commands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization; prints it as JSON.
    Create {
        /// The organization's name (1 to 64 characters, unique).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List every organization as JSON.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn org_json(organization: &Organization) -> serde_json::Value {
    json!({"id": organization.id.to_string(), "name": organization.name})
}

pub async fn run(command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Create { name, database } => {
            let db = database::open(&database.into()).await?;
            print_json(&org_json(&admin::create_organization(db.store.as_ref(), &name).await?));
        }
        OrgCommand::List { database } => {
            let db = database::open(&database.into()).await?;
            let organizations = db.store.list_organizations().await?;
            print_json(&organizations.iter().map(org_json).collect());
        }
    }
    Ok(())
}
