//! `atlas-integrations api-key create|list|revoke`. The private key is printed by `create`
//! and never again: only its Digest verifiers are kept, sealed.

use anyhow::bail;
use clap::Subcommand;
use serde_json::{Value, json};

use super::{DatabaseArgs, print_json};
use crate::admin::{self, KeyGrant};
use crate::database;
use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};

/// API key commands.
#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key for a project (GROUP_OWNER, GROUP_READ_ONLY) or an organization
    /// (ORG_OWNER, ORG_READ_ONLY, ORG_GROUP_CREATOR, ORG_MEMBER, …); prints it, private key
    /// included, as JSON.
    Create {
        /// The project the key is for.
        #[arg(long, conflicts_with = "org", required_unless_present = "org")]
        project: Option<String>,
        /// The organization the key is for.
        #[arg(long)]
        org: Option<String>,
        /// The role: GROUP_OWNER or GROUP_READ_ONLY with --project; ORG_OWNER, ORG_READ_ONLY,
        /// ORG_GROUP_CREATOR, ORG_BILLING_ADMIN, ORG_BILLING_READ_ONLY or ORG_MEMBER with --org.
        #[arg(long)]
        role: String,
        /// What the key is for.
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Give a key a role in a project of its organization.
    Assign {
        /// The key's public key.
        #[arg(long)]
        key: String,
        /// The project.
        #[arg(long)]
        project: String,
        /// GROUP_OWNER or GROUP_READ_ONLY.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List every key (without private keys) as JSON.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Manage the addresses a key may be used from (an empty list allows any).
    #[command(subcommand, name = "access-list")]
    AccessList(AccessListCommand),
    /// Revoke a key: it authenticates nothing from now on.
    Revoke {
        /// The public key to revoke.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Access list commands.
#[derive(Debug, Subcommand)]
pub enum AccessListCommand {
    /// Allow an address or CIDR block (IPv4 or IPv6).
    Add {
        /// The key's public key.
        #[arg(long)]
        key: String,
        /// An address (203.0.113.7) or block (203.0.113.0/24, 2001:db8::/32).
        #[arg(long)]
        entry: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Remove an entry.
    Remove {
        /// The key's public key.
        #[arg(long)]
        key: String,
        /// The entry to remove.
        #[arg(long)]
        entry: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the entries as JSON.
    List {
        /// The key's public key.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

async fn run_access_list(command: AccessListCommand) -> anyhow::Result<()> {
    let (key, database) = match &command {
        AccessListCommand::Add { key, database, .. }
        | AccessListCommand::Remove { key, database, .. }
        | AccessListCommand::List { key, database } => (key.clone(), database.clone()),
    };
    let db = database::open(&database.into()).await?;
    match command {
        AccessListCommand::Add { entry, .. } => {
            db.store.add_access_entry(&key, entry.parse().map_err(anyhow::Error::msg)?).await?
        }
        AccessListCommand::Remove { entry, .. } => {
            db.store.remove_access_entry(&key, entry.parse().map_err(anyhow::Error::msg)?).await?
        }
        AccessListCommand::List { .. } => {}
    }
    let (found, _) =
        db.store.find_api_key(&key).await?.ok_or_else(|| anyhow::anyhow!("no API key {key:?}"))?;
    let entries: Vec<String> = found.access_list.iter().map(ToString::to_string).collect();
    print_json(&json!({"publicKey": key, "accessList": entries}));
    Ok(())
}

fn key_json(key: &ApiKey) -> Value {
    let roles = key.role_assignments();
    let access_list: Vec<String> = key.access_list.iter().map(ToString::to_string).collect();
    json!({"id": key.id.to_string(), "publicKey": key.public_key, "description": key.description,
           "roles": roles, "accessList": access_list, "revoked": key.revoked})
}

fn grant(project: Option<String>, org: Option<String>, role: &str) -> anyhow::Result<KeyGrant> {
    if project.is_some() && role.parse::<OrgRole>().is_ok() {
        bail!("{role} is an organization role: give --org <organization id> instead of --project");
    }
    if org.is_some() && role.parse::<ProjectRole>().is_ok() {
        bail!("{role} is a project role: give --project <project id> instead of --org");
    }
    match (project, org) {
        (Some(project), _) => {
            let Some(group) = GroupId::parse(&project) else {
                bail!("--project must be a project id of 24 lower-case hex characters, not {project:?}")
            };
            Ok(KeyGrant::Project(group, role.parse().map_err(anyhow::Error::msg)?))
        }
        (None, Some(org)) => {
            let Some(org_id) = ObjectId::parse(&org) else {
                bail!("--org must be an organization id of 24 lower-case hex characters, not {org:?}")
            };
            Ok(KeyGrant::Organization(org_id, role.parse().map_err(anyhow::Error::msg)?))
        }
        (None, None) => bail!("say which project (--project) or organization (--org) the key is for"),
    }
}

pub async fn run(command: ApiKeyCommand) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create { project, org, role, description, database } => {
            let grant = grant(project, org, &role)?;
            let db = database::open(&database.into()).await?;
            let created = admin::create_api_key(db.store.as_ref(), grant, &description).await?;
            let mut shown = key_json(&created.key);
            shown["privateKey"] = json!(created.private_key.expose());
            print_json(&shown);
        }
        ApiKeyCommand::Assign { key, project, role, database } => {
            let group = GroupId(super::parse_object_id("--project", &project)?);
            let role = role.parse().map_err(anyhow::Error::msg)?;
            let db = database::open(&database.into()).await?;
            db.store.grant_project_role(&key, group, role).await?;
            let (assigned, _) =
                db.store.find_api_key(&key).await?.ok_or_else(|| anyhow::anyhow!("the key vanished"))?;
            print_json(&key_json(&assigned));
        }
        ApiKeyCommand::List { database } => {
            let db = database::open(&database.into()).await?;
            let keys = db.store.list_api_keys().await?;
            print_json(&keys.iter().map(key_json).collect());
        }
        ApiKeyCommand::AccessList(command) => run_access_list(command).await?,
        ApiKeyCommand::Revoke { key, database } => {
            let db = database::open(&database.into()).await?;
            db.store.revoke_api_key(&key).await?;
            print_json(&json!({"publicKey": key, "revoked": true}));
        }
    }
    Ok(())
}
