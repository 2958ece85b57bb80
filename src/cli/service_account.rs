//! `atlas-integrations service-account …`: the first service account when no credential
//! exists yet, and its roles, secrets and access list. A secret is printed by the command
//! that makes it and never again.

use clap::Subcommand;
use serde_json::{Value, json};

use super::{DatabaseArgs, parse_object_id, print_json};
use crate::accounts::{AccountRequest, create_account, create_secret};
use crate::database;
use crate::domain::api_key::{OrgRole, ProjectRole};
use crate::domain::dates::iso_date;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::service_account::{ServiceAccount, parse_client_id};
use crate::store::Store;

/// The hours a secret lives unless told otherwise (90 days).
const DEFAULT_SECRET_HOURS: i64 = 90 * 24;

/// Service account commands.
#[derive(Debug, Subcommand)]
pub enum ServiceAccountCommand {
    /// Create an account in an organization; prints its client id and first secret as JSON.
    Create {
        /// The organization.
        #[arg(long)]
        org: String,
        /// Its name (1 to 64 letters, digits, spaces and -_.,').
        #[arg(long)]
        name: String,
        /// What it is for (defaults to its name).
        #[arg(long)]
        description: Option<String>,
        /// An organization role: ORG_OWNER, ORG_READ_ONLY or ORG_MEMBER (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// How long the secret lives.
        #[arg(long, default_value_t = DEFAULT_SECRET_HOURS)]
        secret_expires_after_hours: i64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Give an account a role in a project of its organization.
    Assign {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        /// The project.
        #[arg(long)]
        project: String,
        /// GROUP_OWNER or GROUP_READ_ONLY.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List every account (without secrets) as JSON.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Delete an account: its tokens stop working at once.
    Delete {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create or delete a secret.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Manage the addresses an account's API calls may come from (an empty list allows any).
    #[command(subcommand, name = "access-list")]
    AccessList(AccessListCommand),
}

/// Secret commands.
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Add a secret (an account holds two at most); prints it as JSON.
    Create {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        /// How long it lives.
        #[arg(long, default_value_t = DEFAULT_SECRET_HOURS)]
        expires_after_hours: i64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Delete a secret: tokens minted with it stop working at once.
    Delete {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        /// The secret's id.
        #[arg(long)]
        secret_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Access list commands.
#[derive(Debug, Subcommand)]
pub enum AccessListCommand {
    /// Allow an address or CIDR block.
    Add {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        /// An address (203.0.113.7) or block (203.0.113.0/24).
        #[arg(long)]
        entry: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Remove an entry.
    Remove {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        /// The entry.
        #[arg(long)]
        entry: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the entries as JSON.
    List {
        /// The account's client id.
        #[arg(long)]
        client_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn client(text: &str) -> anyhow::Result<ObjectId> {
    parse_client_id(text)
        .ok_or_else(|| anyhow::anyhow!("--client-id must be mdb_sa_id_ and 24 hex characters, not {text:?}"))
}

async fn existing(store: &dyn Store, id: ObjectId) -> anyhow::Result<ServiceAccount> {
    store
        .find_service_account(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no service account {}", client_id(id)))
}

fn client_id(id: ObjectId) -> String {
    crate::domain::service_account::client_id_of(id)
}

/// The account as JSON, secrets masked.
fn account_json(account: &ServiceAccount) -> Value {
    let secrets: Vec<Value> = account
        .secrets
        .iter()
        .map(|secret| {
            json!({"id": secret.id.to_string(), "maskedSecretValue": secret.masked,
                   "createdAt": iso_date(secret.created_ms), "expiresAt": iso_date(secret.expires_ms),
                   "lastUsedAt": secret.last_used_ms.map(iso_date)})
        })
        .collect();
    let projects: Vec<Value> = account
        .project_roles
        .iter()
        .map(|(group, role)| json!({"groupId": group.to_string(), "roleName": role.as_str()}))
        .collect();
    let access_list: Vec<String> = account.access_list.iter().map(|(entry, _)| entry.to_string()).collect();
    json!({"clientId": account.client_id(), "orgId": account.org_id.to_string(), "name": account.name,
           "description": account.description,
           "roles": account.org_roles.iter().map(|role| role.as_str()).collect::<Vec<_>>(),
           "projectRoles": projects, "accessList": access_list, "secrets": secrets,
           "createdAt": iso_date(account.created_ms)})
}

/// Runs a service account command.
pub async fn run(command: ServiceAccountCommand) -> anyhow::Result<()> {
    match command {
        ServiceAccountCommand::Create {
            org,
            name,
            description,
            roles,
            secret_expires_after_hours,
            database,
        } => {
            let org_id = parse_object_id("--org", &org)?;
            let org_roles = roles
                .iter()
                .map(|role| role.parse::<OrgRole>().map_err(anyhow::Error::msg))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let db = database::open(&database.into()).await?;
            let description = description.unwrap_or_else(|| name.clone());
            let request = AccountRequest {
                org_id,
                name,
                description,
                org_roles,
                secret_hours: secret_expires_after_hours,
            };
            let (account, secret) = create_account(db.store.as_ref(), request).await?;
            print_json(&json!({"clientId": account.client_id(), "clientSecret": secret.secret.expose(),
                               "secretId": secret.id.to_string(), "expiresAt": iso_date(secret.expires_ms)}));
        }
        ServiceAccountCommand::Assign { client_id: text, project, role, database } => {
            let id = client(&text)?;
            let group = GroupId(parse_object_id("--project", &project)?);
            let role: ProjectRole = role.parse().map_err(anyhow::Error::msg)?;
            let db = database::open(&database.into()).await?;
            let mut roles = existing(db.store.as_ref(), id).await?.roles_in(group);
            if !roles.contains(&role) {
                roles.push(role);
            }
            db.store.set_service_account_project_roles(id, group, &roles).await?;
            print_json(&account_json(&existing(db.store.as_ref(), id).await?));
        }
        ServiceAccountCommand::List { database } => {
            let db = database::open(&database.into()).await?;
            let accounts = db.store.list_service_accounts(None).await?;
            print_json(&Value::Array(accounts.iter().map(account_json).collect()));
        }
        ServiceAccountCommand::Delete { client_id: text, database } => {
            let id = client(&text)?;
            let db = database::open(&database.into()).await?;
            if !db.store.delete_service_account(id).await? {
                anyhow::bail!("no service account {text}");
            }
            print_json(&json!({"deleted": client_id(id)}));
        }
        ServiceAccountCommand::Secret(command) => run_secret(command).await?,
        ServiceAccountCommand::AccessList(command) => run_access_list(command).await?,
    }
    Ok(())
}

async fn run_secret(command: SecretCommand) -> anyhow::Result<()> {
    match command {
        SecretCommand::Create { client_id: text, expires_after_hours, database } => {
            let id = client(&text)?;
            let db = database::open(&database.into()).await?;
            let secret = create_secret(db.store.as_ref(), id, expires_after_hours).await?;
            print_json(&json!({"clientId": client_id(id), "clientSecret": secret.secret.expose(),
                               "secretId": secret.id.to_string(), "expiresAt": iso_date(secret.expires_ms)}));
        }
        SecretCommand::Delete { client_id: text, secret_id, database } => {
            let id = client(&text)?;
            let secret = parse_object_id("--secret-id", &secret_id)?;
            let db = database::open(&database.into()).await?;
            if !db.store.delete_service_account_secret(id, secret).await? {
                anyhow::bail!("the service account {text} has no secret {secret_id}");
            }
            print_json(&account_json(&existing(db.store.as_ref(), id).await?));
        }
    }
    Ok(())
}

async fn run_access_list(command: AccessListCommand) -> anyhow::Result<()> {
    let (text, database) = match &command {
        AccessListCommand::Add { client_id, database, .. }
        | AccessListCommand::Remove { client_id, database, .. }
        | AccessListCommand::List { client_id, database } => (client_id.clone(), database.clone()),
    };
    let id = client(&text)?;
    let db = database::open(&database.into()).await?;
    match command {
        AccessListCommand::Add { entry, .. } => {
            db.store.add_service_account_access_entry(id, entry.parse().map_err(anyhow::Error::msg)?).await?
        }
        AccessListCommand::Remove { entry, .. } => {
            if !db
                .store
                .remove_service_account_access_entry(id, entry.parse().map_err(anyhow::Error::msg)?)
                .await?
            {
                anyhow::bail!("{entry} is not on the access list of {text}");
            }
        }
        AccessListCommand::List { .. } => {}
    }
    let account = existing(db.store.as_ref(), id).await?;
    let entries: Vec<String> = account.access_list.iter().map(|(entry, _)| entry.to_string()).collect();
    print_json(&json!({"clientId": account.client_id(), "accessList": entries}));
    Ok(())
}
