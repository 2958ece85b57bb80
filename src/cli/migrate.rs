//! `atlas-integrations migrate`: applies the schema migrations and exits (the server also
//! applies them on start; replicas starting together take turns).

use serde_json::json;

use super::{DatabaseArgs, print_json};
use crate::config::DatabaseConfig;
use crate::database;
use crate::store::redact_url;

pub async fn run(args: DatabaseArgs) -> anyhow::Result<()> {
    let config: DatabaseConfig = args.into();
    database::open(&config).await?;
    print_json(&json!({"migrated": true, "database": redact_url(&config.url())}));
    Ok(())
}
