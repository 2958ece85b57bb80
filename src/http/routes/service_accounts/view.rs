//! Service accounts, secrets and access-list entries as the resource shows them.

use serde_json::{Map, Value, json};

use super::scope::Scope;
use crate::accounts::CreatedSecret;
use crate::domain::access_list::AccessEntry;
use crate::domain::dates::iso_date;
use crate::domain::service_account::{SecretInfo, ServiceAccount};

/// An account: `OrgServiceAccount` (organization roles) or, in a project,
/// `GroupServiceAccount` (its roles there). `created` is the secret just made, shown once.
pub fn account(scope: &Scope, account: &ServiceAccount, created: Option<&CreatedSecret>) -> Value {
    let roles: Vec<&str> = match scope.group {
        Some(group) => account.roles_in(group).iter().map(|role| role.as_str()).collect(),
        None => account.org_roles.iter().map(|role| role.as_str()).collect(),
    };
    let secrets: Vec<Value> = account
        .secrets
        .iter()
        .map(|info| secret(info, created.filter(|created| created.id == info.id)))
        .collect();
    json!({
        "clientId": account.client_id(),
        "createdAt": iso_date(account.created_ms),
        "description": account.description,
        "name": account.name,
        "roles": roles,
        "secrets": secrets,
    })
}

/// A secret, with its value when it was just made.
pub fn secret(info: &SecretInfo, created: Option<&CreatedSecret>) -> Value {
    let mut object = Map::new();
    object.insert("createdAt".into(), json!(iso_date(info.created_ms)));
    object.insert("expiresAt".into(), json!(iso_date(info.expires_ms)));
    object.insert("id".into(), json!(info.id.to_string()));
    if let Some(used) = info.last_used_ms {
        object.insert("lastUsedAt".into(), json!(iso_date(used)));
    }
    object.insert("maskedSecretValue".into(), json!(info.masked));
    if let Some(created) = created {
        object.insert("secret".into(), json!(created.secret.expose()));
    }
    Value::Object(object)
}

/// An access-list entry: its block, and its address when it is one address.
pub fn entry(entry: &AccessEntry, created_ms: i64) -> Value {
    let text = entry.to_string();
    let (address, prefix) = text.split_once('/').unwrap_or((&text, ""));
    let single = (address.contains(':') && prefix == "128") || (!address.contains(':') && prefix == "32");
    let mut object = Map::new();
    object.insert("cidrBlock".into(), json!(text));
    object.insert("createdAt".into(), json!(iso_date(created_ms)));
    if single {
        object.insert("ipAddress".into(), json!(address));
    }
    Value::Object(object)
}
