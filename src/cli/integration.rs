//! `atlas-integrations integration test`: sends one test alert through a project's stored
//! integration settings, from this machine, and prints what the receiver answered.

use clap::Subcommand;
use serde_json::json;

use super::{DatabaseArgs, links_base, parse_object_id, print_json};
use crate::database;
use crate::delivery::client::Sender;
use crate::delivery::endpoints::Endpoints;
use crate::delivery::settings::DeliverySettings;
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
        /// The integration type (WEBHOOK, SLACK, PAGER_DUTY, …).
        #[arg(long = "type")]
        kind: String,
        /// Let the test go to private, loopback and link-local addresses.
        #[arg(long)]
        allow_private_targets: bool,
        /// Send a service's test to another origin, as NAME=URL (as `serve --endpoint`).
        #[arg(
            long = "endpoint",
            env = "ATLAS_INTEGRATIONS_ENDPOINTS",
            value_delimiter = ',',
            value_name = "NAME=URL"
        )]
        endpoints: Vec<String>,
        /// The URL people open the server at, for the alert link in the message [default: the
        /// one the servers on this database recorded as they started].
        #[arg(long, env = "ATLAS_INTEGRATIONS_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(command: IntegrationCommand) -> anyhow::Result<()> {
    let IntegrationCommand::Test { project, kind, allow_private_targets, endpoints, public_url, database } =
        command;
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
    let project = db.store.find_project(group).await?.ok_or_else(|| anyhow::anyhow!("no project {group}"))?;
    let settings = DeliverySettings {
        allow_private_targets,
        endpoints: Endpoints::parse(&endpoints).map_err(|e| anyhow::anyhow!(e))?,
        ..DeliverySettings::default()
    };
    let sender = Sender::new(&settings).map_err(|e| anyhow::anyhow!(e))?;
    let base = links_base(public_url.as_deref(), db.store.as_ref()).await?;
    match send_test_alert(&sender, &project, &integration, &base).await {
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
