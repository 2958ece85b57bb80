//! `atlas-integrations project create|list`.

use clap::Subcommand;
use serde_json::json;

use super::{DatabaseArgs, print_json};
use crate::admin;
use crate::database;
use crate::domain::project::Project;

/// Project commands.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project; prints it as JSON.
    Create {
        /// The project's name (1 to 64 characters, unique in its organization).
        #[arg(long)]
        name: String,
        /// The organization to create it in [default: the default organization].
        #[arg(long)]
        org: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List every project as JSON.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn project_json(project: &Project) -> serde_json::Value {
    json!({"id": project.id.to_string(), "name": project.name, "orgId": project.org_id.to_string()})
}

pub async fn run(command: ProjectCommand) -> anyhow::Result<()> {
    match command {
        ProjectCommand::Create { name, org, database } => {
            let org = org.map(|org| super::parse_object_id("--org", &org)).transpose()?;
            let db = database::open(&database.into()).await?;
            let project = admin::create_project(db.store.as_ref(), &name, org).await?;
            print_json(&project_json(&project));
        }
        ProjectCommand::List { database } => {
            let db = database::open(&database.into()).await?;
            let projects = db.store.list_projects().await?;
            print_json(&projects.iter().map(project_json).collect());
        }
    }
    Ok(())
}
