//! `atlas-integrations alert raise|close|list`: what a monitoring system (or an operator)
//! tells the server it sees, straight to the database; the running servers' delivery workers
//! send the notifications it makes due. `alert test-email` checks the SMTP settings.

use clap::Subcommand;
use serde_json::{Value, json};

use anyhow::Context;

use super::smtp::SmtpArgs;
use super::{DatabaseArgs, links_base, parse_object_id, print_json};
use crate::database;
use crate::delivery::client::Sender;
use crate::delivery::settings::DeliverySettings;
use crate::delivery::test_alert::{TestOutcome, send_test_email};
use crate::domain::alerts::alert::{AlertFilter, AlertStatus};
use crate::domain::alerts::observation::Observation;
use crate::domain::ids::GroupId;

/// Alert commands.
#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// Match an observation against the project's enabled alert configurations; prints the
    /// alerts it opened or updated.
    Raise {
        /// The project.
        #[arg(long)]
        project: String,
        /// The event type seen (`HOST_DOWN`, `OUTSIDE_METRIC_THRESHOLD`, …).
        #[arg(long)]
        event_type: String,
        /// The metric measured.
        #[arg(long)]
        metric: Option<String>,
        /// Its value.
        #[arg(long)]
        value: Option<f64>,
        /// Its units [default: RAW].
        #[arg(long)]
        units: Option<String>,
        /// The cluster concerned.
        #[arg(long)]
        cluster: Option<String>,
        /// The host concerned, `host:port`.
        #[arg(long)]
        host: Option<String>,
        /// The replica set concerned.
        #[arg(long)]
        replica_set: Option<String>,
        /// A sentence for people.
        #[arg(long)]
        summary: Option<String>,
        /// The URL people open the server at, for links in notifications [default: the one
        /// the servers on this database recorded as they started].
        #[arg(long, env = "ATLAS_INTEGRATIONS_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Close an alert; prints it.
    Close {
        /// The project.
        #[arg(long)]
        project: String,
        /// The alert.
        #[arg(long)]
        id: String,
        /// The URL people open the server at, for links in notifications [default: the one
        /// the servers on this database recorded as they started].
        #[arg(long, env = "ATLAS_INTEGRATIONS_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Send one test email through the SMTP server (`--smtp-url`), in the format of EMAIL
    /// notifications; says what the server answered.
    TestEmail {
        /// The recipient.
        #[arg(long)]
        to: String,
        /// The URL people open the server at, for the link in the message.
        #[arg(long, env = "ATLAS_INTEGRATIONS_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
        #[command(flatten)]
        smtp: SmtpArgs,
    },
    /// List a project's alerts (newest first).
    List {
        /// The project.
        #[arg(long)]
        project: String,
        /// Only alerts in this status (OPEN, TRACKING, CLOSED).
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(command: AlertCommand) -> anyhow::Result<()> {
    match command {
        AlertCommand::Raise {
            project,
            event_type,
            metric,
            value,
            units,
            cluster,
            host,
            replica_set,
            summary,
            public_url,
            database,
        } => {
            let group = GroupId(parse_object_id("--project", &project)?);
            let mut body = json!({"eventTypeName": event_type, "metricName": metric, "clusterName": cluster,
                "hostnameAndPort": host, "replicaSetName": replica_set, "humanReadable": summary});
            if let Some(number) = value {
                body["currentValue"] =
                    json!({"number": number, "units": units.unwrap_or_else(|| "RAW".into())});
            }
            let observation = Observation::parse(&body).map_err(|reason| anyhow::anyhow!("{reason}"))?;
            let db = database::open(&database.into()).await?;
            let base = links_base(public_url.as_deref(), db.store.as_ref()).await?;
            let raised = db.store.raise_alert(group, &observation, &base).await?;
            print_json(&Value::Array(raised.iter().map(|alert| alert.to_wire(&base)).collect()));
        }
        AlertCommand::Close { project, id, public_url, database } => {
            let group = GroupId(parse_object_id("--project", &project)?);
            let id = parse_object_id("--id", &id)?;
            let db = database::open(&database.into()).await?;
            let base = links_base(public_url.as_deref(), db.store.as_ref()).await?;
            let alert = db
                .store
                .close_alert(group, id, &base)
                .await?
                .ok_or_else(|| anyhow::anyhow!("project {group} has no alert {id}"))?;
            print_json(&alert.to_wire(&base));
        }
        AlertCommand::TestEmail { to, public_url, smtp } => {
            let smtp = smtp.settings()?.context("alert test-email needs --smtp-url and --smtp-from")?;
            let settings = DeliverySettings { smtp: Some(smtp), ..DeliverySettings::default() };
            let sender = Sender::new(&settings).map_err(|e| anyhow::anyhow!(e))?;
            let base = format!("{}/api/atlas/v2", public_url.trim_end_matches('/'));
            match send_test_email(&sender, &to, &base).await {
                TestOutcome::Delivered { status, duration_ms } => {
                    print_json(&json!({"delivered": true, "statusCode": status, "durationMs": duration_ms}));
                }
                TestOutcome::Failed { status, said } => {
                    print_json(&json!({"delivered": false, "statusCode": status, "error": said}));
                    anyhow::bail!("the test email was not accepted: {said}");
                }
            }
        }
        AlertCommand::List { project, status, database } => {
            let group = GroupId(parse_object_id("--project", &project)?);
            let status = status
                .map(|status| {
                    AlertStatus::parse(&status).ok_or_else(|| {
                        anyhow::anyhow!("--status must be OPEN, TRACKING or CLOSED, not {status:?}")
                    })
                })
                .transpose()?;
            let db = database::open(&database.into()).await?;
            let (alerts, _) =
                db.store.list_alerts(group, AlertFilter { status, alert_config_id: None }, 0, 10_000).await?;
            // Self links under the recorded URL; relative while no server has recorded one.
            let base =
                links_base(None, db.store.as_ref()).await.unwrap_or_else(|_| "/api/atlas/v2".to_owned());
            print_json(&Value::Array(alerts.iter().map(|alert| alert.to_wire(&base)).collect()));
        }
    }
    Ok(())
}
