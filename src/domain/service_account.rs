//! Service accounts, Atlas's recommended credential: an organization's OAuth 2.0 client with
//! a client id (`mdb_sa_id_` and 24 hex digits), a name and description, roles like an API
//! key's, an access list, and at most two secrets (`mdb_sa_sk_…`), each shown once and kept
//! only as an Argon2id verifier (the token endpoint checks one about once an hour, not per
//! request). A service account acts under exactly the rules of an API key: [`as_caller`]
//! gives the key it acts as.
//!
//! [`as_caller`]: ServiceAccount::as_caller

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::secret::Secret;

/// What every client id starts with.
pub const CLIENT_ID_PREFIX: &str = "mdb_sa_id_";
/// What every client secret starts with.
pub const SECRET_PREFIX: &str = "mdb_sa_sk_";
/// The most secrets an account holds at once (one in use, one being rotated in).
pub const MAX_SECRETS: usize = 2;
/// The longest a name may be.
pub const MAX_NAME_CHARS: usize = 64;
/// The longest a description may be.
pub const MAX_DESCRIPTION_CHARS: usize = 250;
/// The longest a secret may live, in hours (a year).
pub const MAX_SECRET_HOURS: i64 = 365 * 24;

/// One secret as it is shown after its creation: never the secret itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretInfo {
    /// Its id.
    pub id: ObjectId,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// When it stops working.
    pub expires_ms: i64,
    /// When a token was last minted with it.
    pub last_used_ms: Option<i64>,
    /// `mdb_sa_sk_` and its last four characters, the rest starred.
    pub masked: String,
}

/// A service account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAccount {
    /// The 24 hex digits of its client id.
    pub id: ObjectId,
    /// Its organization.
    pub org_id: ObjectId,
    /// What people call it.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Roles over every project of its organization.
    pub org_roles: Vec<OrgRole>,
    /// The projects it may reach, and how.
    pub project_roles: Vec<(GroupId, ProjectRole)>,
    /// The addresses its API calls may come from (empty: any), each with when it was added.
    pub access_list: Vec<(AccessEntry, i64)>,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// Its secrets, oldest first.
    pub secrets: Vec<SecretInfo>,
}

impl ServiceAccount {
    /// The API key it acts as: its client id where a key has its public key, so roles,
    /// access lists, rate limits and events treat it as they treat keys.
    pub fn as_caller(&self) -> ApiKey {
        ApiKey {
            id: self.id,
            org_id: self.org_id,
            public_key: self.client_id(),
            description: self.name.clone(),
            org_roles: self.org_roles.clone(),
            project_roles: self.project_roles.clone(),
            access_list: self.access_list.iter().map(|(entry, _)| *entry).collect(),
            revoked: false,
        }
    }

    /// `mdb_sa_id_` and 24 hex digits.
    pub fn client_id(&self) -> String {
        client_id_of(self.id)
    }

    /// Its roles in `group`, in Atlas's order.
    pub fn roles_in(&self, group: GroupId) -> Vec<ProjectRole> {
        let mut roles: Vec<_> =
            self.project_roles.iter().filter(|(known, _)| *known == group).map(|(_, role)| *role).collect();
        roles.sort_by_key(|role| role.as_str());
        roles
    }
}

/// The client id of the account with id `id`.
pub fn client_id_of(id: ObjectId) -> String {
    format!("{CLIENT_ID_PREFIX}{id}")
}

/// The id a client id names, if `text` has a client id's form (the spec allows upper-case
/// hex digits; ids are kept in lower case).
pub fn parse_client_id(text: &str) -> Option<ObjectId> {
    let hex = text.strip_prefix(CLIENT_ID_PREFIX)?;
    ObjectId::parse(&hex.to_ascii_lowercase())
}

/// A new secret: the prefix and 48 random hex digits (192 bits).
pub fn generate_secret() -> Secret {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    Secret::new(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

/// How a secret is shown after its creation.
pub fn mask_secret(secret: &str) -> String {
    let tail: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{SECRET_PREFIX}****************************************{tail}")
}

/// The Argon2id verifier of a secret, in PHC form.
pub fn verifier_of(secret: &str) -> String {
    Argon2::default().hash_password(secret.as_bytes()).expect("Argon2 hashes any input").to_string()
}

/// Whether `secret` matches `verifier` (a malformed verifier matches nothing).
pub fn verify_secret(verifier: &str, secret: &str) -> bool {
    PasswordHash::new(verifier)
        .is_ok_and(|parsed| Argon2::default().verify_password(secret.as_bytes(), &parsed).is_ok())
}

/// Checks a name: 1 to 64 letters, digits, spaces and `-_.,'`, as Atlas's spec allows.
pub fn check_name(name: &str) -> Result<(), String> {
    check_text("name", name, MAX_NAME_CHARS)
}

/// Checks a description: 1 to 250 of the same characters.
pub fn check_description(description: &str) -> Result<(), String> {
    check_text("description", description, MAX_DESCRIPTION_CHARS)
}

fn check_text(field: &str, text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if chars == 0 || chars > max {
        return Err(format!("{field} must have 1 to {max} characters"));
    }
    match text.chars().find(|c| !(c.is_alphanumeric() || " -_.,'".contains(*c))) {
        Some(bad) => Err(format!("{field} may hold letters, digits, spaces and -_.,' only, not {bad:?}")),
        None => Ok(()),
    }
}

/// Checks `secretExpiresAfterHours`: at least 1, at most a year.
pub fn check_secret_hours(hours: i64) -> Result<(), String> {
    match (1..=MAX_SECRET_HOURS).contains(&hours) {
        true => Ok(()),
        false => Err(format!("secretExpiresAfterHours must be from 1 to {MAX_SECRET_HOURS}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets_have_atlass_shapes() {
        let id = ObjectId::generate();
        let client_id = client_id_of(id);
        assert!(client_id.starts_with("mdb_sa_id_") && client_id.len() == 34, "{client_id}");
        assert_eq!(parse_client_id(&client_id), Some(id));
        assert_eq!(parse_client_id(&client_id.to_uppercase().replace("MDB_SA_ID_", "mdb_sa_id_")), Some(id));
        assert!(parse_client_id("mdb_sa_id_xyz").is_none() && parse_client_id("abcdefgh").is_none());
        let secret = generate_secret();
        assert!(secret.expose().starts_with("mdb_sa_sk_") && secret.expose().len() == 58);
        let masked = mask_secret(secret.expose());
        assert!(masked.starts_with("mdb_sa_sk_*") && masked.ends_with(&secret.expose()[54..]));
        assert!(!masked.contains(&secret.expose()[10..54]));
    }

    #[test]
    fn a_secret_matches_its_verifier_only() {
        let secret = generate_secret();
        let verifier = verifier_of(secret.expose());
        assert!(verifier.starts_with("$argon2id$"), "{verifier}");
        assert!(!verifier.contains(secret.expose()));
        assert!(verify_secret(&verifier, secret.expose()));
        assert!(!verify_secret(&verifier, generate_secret().expose()));
        assert!(!verify_secret("not a verifier", secret.expose()));
    }

    #[test]
    fn names_follow_the_specs_pattern_and_lengths() {
        assert!(check_name("Deploy bot, v2.1 (prod)").is_err(), "parentheses are not allowed");
        assert!(check_name("Deploy bot, v2.1 - prod's").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name(&"é".repeat(64)).is_ok());
        assert!(check_name(&"a".repeat(65)).is_err());
        assert!(check_description(&"a".repeat(250)).is_ok());
        assert!(check_secret_hours(0).is_err() && check_secret_hours(8).is_ok());
    }

    #[test]
    fn it_acts_as_a_key_named_by_its_client_id() {
        let account = ServiceAccount {
            id: ObjectId::generate(),
            org_id: ObjectId::generate(),
            name: "ci".into(),
            description: "deploys".into(),
            org_roles: vec![OrgRole::OrgMember],
            project_roles: vec![],
            access_list: vec![],
            created_ms: 0,
            secrets: vec![],
        };
        let key = account.as_caller();
        assert_eq!(key.public_key, account.client_id());
        assert_eq!(key.id, account.id);
        assert!(!key.revoked);
    }
}
