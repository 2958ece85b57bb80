//! Service accounts: the account, its roles and access list, read back in one statement (as
//! API keys are), and the token check that also asks whether the secret is still there and
//! the token not revoked.

use std::str::FromStr;

use crate::domain::api_key::{OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::service_account::{SecretInfo, ServiceAccount, client_id_of, parse_client_id};
use crate::store::accounts::AccountChange;
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sql::{Param, Row, Sql, id, text};

use super::projects::find_project;

/// An account with its organization roles, project roles (`PROJECT:ROLE`), access list
/// (`ENTRY@CREATED`) and secrets (`ID:CREATED:EXPIRES:LAST_USED:MASKED`, `-1` for never),
/// each joined with commas (none of them holds one). `accounts!(NO_SECRETS)` leaves the
/// secrets out (`NULL`), for the token check on every request.
macro_rules! accounts {
    () => {
        accounts!("(SELECT string_agg(id || ':' || created_ms || ':' || expires_ms || ':' || COALESCE(last_used_ms, -1) \
           || ':' || masked, ',' ORDER BY created_ms, id) FROM service_account_secrets WHERE client_id = a.client_id)")
    };
    (NO_SECRETS) => {
        accounts!("NULL")
    };
    ($secrets:literal) => {
        concat!(
        "SELECT a.client_id, a.org_id, a.name, a.description, a.created_ms, \
         (SELECT string_agg(role, ',') FROM service_account_org_roles WHERE client_id = a.client_id), \
         (SELECT string_agg(project_id || ':' || role, ',') FROM service_account_project_roles \
           WHERE client_id = a.client_id), \
         (SELECT string_agg(entry || '@' || created_ms, ',') FROM service_account_access_list \
           WHERE client_id = a.client_id), ",
        $secrets,
        " FROM service_accounts AS a"
        )
    };
}

const ALL: &str = concat!(accounts!(), " ORDER BY a.created_ms, a.client_id");
const OF_ORGANIZATION: &str = concat!(accounts!(), " WHERE a.org_id = $1 ORDER BY a.created_ms, a.client_id");
const ONE: &str = concat!(accounts!(), " WHERE a.client_id = $1");
/// The account of a token (`$1`, without its secrets), if its secret (`$2`) is there and
/// unexpired at `$4` and the token (`$3`) is not revoked.
/// The account with only the token's secret (whose expiry says how long the token is good).
const OF_TOKEN: &str = concat!(
    accounts!(
        "(SELECT id || ':' || created_ms || ':' || expires_ms || ':' || COALESCE(last_used_ms, -1) \
       || ':' || masked FROM service_account_secrets WHERE id = $2 AND client_id = a.client_id)"
    ),
    " WHERE a.client_id = $1 \
     AND EXISTS (SELECT 1 FROM service_account_secrets WHERE id = $2 AND client_id = $1 AND expires_ms > $4) \
     AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = $3)"
);
const INSERT: &str = "INSERT INTO service_accounts (client_id, org_id, name, description, created_ms) \
     VALUES ($1, $2, $3, $4, $5)";
const ADD_ORG_ROLE: &str =
    "INSERT INTO service_account_org_roles (client_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const CLEAR_ORG_ROLES: &str = "DELETE FROM service_account_org_roles WHERE client_id = $1";
const RENAME: &str = "UPDATE service_accounts SET name = COALESCE($2, name), \
     description = COALESCE($3, description) WHERE client_id = $1";
const DELETE: &str = "DELETE FROM service_accounts WHERE client_id = $1";
const ORGANIZATION: &str = "SELECT org_id FROM service_accounts WHERE client_id = $1";
const CLEAR_PROJECT_ROLES: &str =
    "DELETE FROM service_account_project_roles WHERE client_id = $1 AND project_id = $2";
const ADD_PROJECT_ROLE: &str = "INSERT INTO service_account_project_roles (client_id, project_id, role) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const ADD_ACCESS_ENTRY: &str = "INSERT INTO service_account_access_list (client_id, entry, created_ms) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const REMOVE_ACCESS_ENTRY: &str =
    "DELETE FROM service_account_access_list WHERE client_id = $1 AND entry = $2";

fn split(joined: &Option<String>) -> impl Iterator<Item = &str> {
    joined.as_deref().unwrap_or("").split(',').filter(|item| !item.is_empty())
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("a service account's {what} reads {text:?}"))
}

fn number(text: &str) -> Result<i64, StoreError> {
    text.parse().map_err(|_| corrupt("time", text))
}

/// An account from a row of [`accounts!`].
fn account(mut row: Row) -> Result<ServiceAccount, StoreError> {
    let client_id = row.text(0)?;
    let (org_roles, project_roles, access_list, secrets) =
        (row.optional_text(5)?, row.optional_text(6)?, row.optional_text(7)?, row.optional_text(8)?);
    Ok(ServiceAccount {
        id: parse_client_id(&client_id).ok_or_else(|| corrupt("client id", &client_id))?,
        org_id: parse_id(&row.text(1)?)?,
        name: row.text(2)?,
        description: row.text(3)?,
        created_ms: row.int(4)?,
        org_roles: split(&org_roles)
            .map(|role| OrgRole::from_str(role).map_err(|_| corrupt("role", role)))
            .collect::<Result<_, _>>()?,
        project_roles: split(&project_roles)
            .map(|pair| {
                let (project, role) = pair.split_once(':').ok_or_else(|| corrupt("project role", pair))?;
                let role = ProjectRole::from_str(role).map_err(|_| corrupt("project role", pair))?;
                Ok((GroupId(parse_id(project)?), role))
            })
            .collect::<Result<_, StoreError>>()?,
        access_list: split(&access_list)
            .map(|item| {
                let (entry, created) = item.rsplit_once('@').ok_or_else(|| corrupt("access list", item))?;
                Ok((entry.parse().map_err(|_| corrupt("access list", item))?, number(created)?))
            })
            .collect::<Result<_, StoreError>>()?,
        secrets: split(&secrets)
            .map(|item| {
                let parts: Vec<&str> = item.splitn(5, ':').collect();
                let [id, created, expires, used, masked] = parts[..] else {
                    return Err(corrupt("secret", item));
                };
                Ok(SecretInfo {
                    id: parse_id(id)?,
                    created_ms: number(created)?,
                    expires_ms: number(expires)?,
                    last_used_ms: Some(number(used)?).filter(|used| *used >= 0),
                    masked: masked.to_owned(),
                })
            })
            .collect::<Result<_, StoreError>>()?,
    })
}

/// Every account, or those of `org`, oldest first.
pub async fn list(db: &mut dyn Sql, org: Option<ObjectId>) -> Result<Vec<ServiceAccount>, StoreError> {
    let rows = match org {
        Some(org) => db.fetch(OF_ORGANIZATION, &[id(org)]).await?,
        None => db.fetch(ALL, &[]).await?,
    };
    rows.into_iter().map(account).collect()
}

/// One account.
pub async fn find(db: &mut dyn Sql, account_id: ObjectId) -> Result<Option<ServiceAccount>, StoreError> {
    db.fetch_optional(ONE, &[text(&client_id_of(account_id))]).await?.map(account).transpose()
}

/// The account a token speaks for, if it still may, with only the token's secret (its roles
/// and access list are what matter; the secret's expiry is how long the answer holds).
pub async fn of_token(
    db: &mut dyn Sql,
    account_id: ObjectId,
    secret: ObjectId,
    token: ObjectId,
    now_ms: i64,
) -> Result<Option<ServiceAccount>, StoreError> {
    let client_id = client_id_of(account_id);
    let params = [text(&client_id), id(secret), id(token), Param::Int(Some(now_ms))];
    db.fetch_optional(OF_TOKEN, &params).await?.map(account).transpose()
}

/// Stores a new account (its secret is stored by [`super::account_secrets::add`]).
pub async fn insert(db: &mut dyn Sql, account: &ServiceAccount) -> Result<(), StoreError> {
    write(db, INSERT, account).await
}

/// Writes the account's row with `statement` ([`INSERT`] or [`IMPORT`]) and its
/// organization roles.
async fn write(
    db: &mut dyn Sql,
    statement: &'static str,
    account: &ServiceAccount,
) -> Result<(), StoreError> {
    let client_id = account.client_id();
    let params = [
        text(&client_id),
        id(account.org_id),
        text(&account.name),
        text(&account.description),
        Param::Int(Some(account.created_ms)),
    ];
    db.execute(statement, &params).await?;
    for role in &account.org_roles {
        db.execute(ADD_ORG_ROLE, &[text(&client_id), text(role.as_str())]).await?;
    }
    Ok(())
}

/// Changes an account; whether it exists.
pub async fn update(
    db: &mut dyn Sql,
    account_id: ObjectId,
    change: &AccountChange,
) -> Result<bool, StoreError> {
    let client_id = client_id_of(account_id);
    let params =
        [text(&client_id), Param::Text(change.name.as_deref()), Param::Text(change.description.as_deref())];
    if db.execute(RENAME, &params).await? == 0 {
        return Ok(false);
    }
    if let Some(roles) = &change.org_roles {
        db.execute(CLEAR_ORG_ROLES, &[text(&client_id)]).await?;
        for role in roles {
            db.execute(ADD_ORG_ROLE, &[text(&client_id), text(role.as_str())]).await?;
        }
    }
    Ok(true)
}

/// Deletes an account; whether it existed.
pub async fn delete(db: &mut dyn Sql, account_id: ObjectId) -> Result<bool, StoreError> {
    Ok(db.execute(DELETE, &[text(&client_id_of(account_id))]).await? > 0)
}

/// The organization of an account, or `NotFound`.
pub async fn organization_of(db: &mut dyn Sql, account_id: ObjectId) -> Result<ObjectId, StoreError> {
    let client_id = client_id_of(account_id);
    let mut row = db
        .fetch_optional(ORGANIZATION, &[text(&client_id)])
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no service account has the client id {client_id}")))?;
    parse_id(&row.text(0)?)
}

/// Sets an account's roles in a project of its organization.
pub async fn set_project_roles(
    db: &mut dyn Sql,
    account_id: ObjectId,
    group: GroupId,
    roles: &[ProjectRole],
) -> Result<(), StoreError> {
    let org = organization_of(db, account_id).await?;
    let project = find_project(db, group)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no project has the id {group}")))?;
    let client_id = client_id_of(account_id);
    if project.org_id != org {
        return Err(StoreError::Conflict(format!(
            "the service account {client_id} belongs to organization {org}, the project {group} to {}",
            project.org_id
        )));
    }
    db.execute(CLEAR_PROJECT_ROLES, &[text(&client_id), id(group)]).await?;
    for role in roles {
        db.execute(ADD_PROJECT_ROLE, &[text(&client_id), id(group), text(role.as_str())]).await?;
    }
    Ok(())
}

/// Adds an access-list entry.
pub async fn add_access_entry(
    db: &mut dyn Sql,
    account_id: ObjectId,
    entry: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    organization_of(db, account_id).await?;
    let client_id = client_id_of(account_id);
    let params = [text(&client_id), text(entry), Param::Int(Some(now_ms))];
    db.execute(ADD_ACCESS_ENTRY, &params).await?;
    Ok(())
}

/// Removes an access-list entry; whether it was there.
pub async fn remove_access_entry(
    db: &mut dyn Sql,
    account_id: ObjectId,
    entry: &str,
) -> Result<bool, StoreError> {
    Ok(db.execute(REMOVE_ACCESS_ENTRY, &[text(&client_id_of(account_id)), text(entry)]).await? > 0)
}
