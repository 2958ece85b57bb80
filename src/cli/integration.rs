//! `atlas-integrations integration test`: sends one test alert through a project's stored
//! integration settings, from this machine, and prints what the receiver answered.

use std::time::Duration;

use clap::Subcommand;
use serde_json::json;

use super::{DatabaseArgs, parse_object_id, print_json};
use crate::database;
use crate::delivery::client::Sender;
use crate::delivery::test_alert::{TestOutcome, send_test_alert, untestable};
use crate::domain::ids::GroupId;
use crate::domain::integration::IntegrationType;

/// Integration commands.
#[derive(Debug, Subcommand)]
pub enum IntegrationCommand {
    /// Send one test alert through the project's integration of a type (one attempt).
    Test {
        /// The project.
        #[arg(long)]
        project: String,
        /// The integration type (WEBHOOK).
        #[arg(long = "type")]
        kind: String,
        /// Let the test go to private, loopback and link-local addresses.
        #[arg(long)]
        allow_private_targets: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(command: IntegrationCommand) -> anyhow::Result<()> {
    let IntegrationCommand::Test { project, kind, allow_private_targets, database } = command;
    let group = GroupId(parse_object_id("--project", &project)?);
    let kind = IntegrationType::parse(&kind)
        .ok_or_else(|| anyhow::anyhow!("--type {kind:?} is not an integration type"))?;
    if let Some(reason) = untestable(kind) {
        anyhow::bail!("cannot test a {kind} integration: {reason}");
    }
    let db = database::open(&database.into()).await?;
    let integration = db
        .store
        .get_integration(group, kind)
        .await?
        .ok_or_else(|| anyhow::anyhow!("project {group} has no {kind} integration"))?;
    let sender = Sender::new(allow_private_targets, Duration::from_secs(5), Duration::from_secs(15))
        .map_err(|e| anyhow::anyhow!(e))?;
    match send_test_alert(&sender, group, &integration).await {
        TestOutcome::Delivered { status, duration_ms } => {
            print_json(&json!({"delivered": true, "statusCode": status, "durationMs": duration_ms}));
            Ok(())
        }
        TestOutcome::Failed { status, said } => {
            print_json(&json!({"delivered": false, "statusCode": status, "answer": said}));
            anyhow::bail!("the test alert was not delivered")
        }
    }
}
