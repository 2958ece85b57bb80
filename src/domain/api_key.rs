//! Atlas-style programmatic API keys: a public key of 8 lower-case letters, a private key in
//! UUID form shown once, and the roles that say what the key may do in which project.

use std::fmt;
use std::str::FromStr;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::secret::Secret;

/// The Digest realm of every Atlas API key; HA1 values depend on it, so it never changes.
pub const REALM: &str = "MMS Public API";

/// A project role an API key can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectRole {
    /// Reads and changes the project's integrations.
    GroupOwner,
    /// Reads the project's integrations.
    GroupReadOnly,
}

impl ProjectRole {
    /// Atlas's name for the role.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectRole::GroupOwner => "GROUP_OWNER",
            ProjectRole::GroupReadOnly => "GROUP_READ_ONLY",
        }
    }
}

impl fmt::Display for ProjectRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProjectRole {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "GROUP_OWNER" => Ok(ProjectRole::GroupOwner),
            "GROUP_READ_ONLY" => Ok(ProjectRole::GroupReadOnly),
            other => Err(format!(
                "unknown project role {other:?}: expected GROUP_OWNER or GROUP_READ_ONLY"
            )),
        }
    }
}

/// What a key may do in one project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Nothing: the project is not the key's.
    None,
    /// GET only.
    Read,
    /// GET, POST, PUT and DELETE.
    Write,
}

/// The Digest verifiers of a key: HA1 = H(publicKey ":" realm ":" privateKey) for MD5 and
/// SHA-256. They are all the server keeps of a private key (sealed at rest).
#[derive(Clone, Debug)]
pub struct Ha1 {
    /// Lower-case hex MD5 HA1.
    pub md5: Secret,
    /// Lower-case hex SHA-256 HA1.
    pub sha256: Secret,
}

impl Ha1 {
    /// Derives both verifiers from a key pair.
    pub fn derive(public_key: &str, private_key: &str) -> Self {
        let input = format!("{public_key}:{REALM}:{private_key}");
        Ha1 {
            md5: Secret::new(hex::encode(Md5::digest(input.as_bytes()))),
            sha256: Secret::new(hex::encode(Sha256::digest(input.as_bytes()))),
        }
    }
}

/// An API key as the server knows it: never the private key itself.
#[derive(Clone, Debug)]
pub struct ApiKey {
    /// Internal id of the key.
    pub id: ObjectId,
    /// The organization the key belongs to.
    pub org_id: ObjectId,
    /// The Digest user name.
    pub public_key: String,
    /// What the key is for, as its creator described it.
    pub description: String,
    /// The projects the key may reach, and how.
    pub project_roles: Vec<(GroupId, ProjectRole)>,
    /// Whether the key has been revoked (a revoked key authenticates nothing).
    pub revoked: bool,
}

impl ApiKey {
    /// What this key may do in `group`: the strongest of its roles there.
    pub fn access_to(&self, group: &GroupId) -> Access {
        self.project_roles
            .iter()
            .filter(|(g, _)| g == group)
            .map(|(_, role)| match role {
                ProjectRole::GroupOwner => Access::Write,
                ProjectRole::GroupReadOnly => Access::Read,
            })
            .max()
            .unwrap_or(Access::None)
    }
}

/// Generates a public key: 8 random lower-case letters.
pub fn generate_public_key() -> String {
    let mut out = String::with_capacity(8);
    while out.len() < 8 {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the operating system's random source failed");
        // 234 = 9 * 26: drop the top values so that every letter is equally likely.
        if byte[0] < 234 {
            out.push((b'a' + byte[0] % 26) as char);
        }
    }
    out
}

/// Generates a private key in UUID form.
pub fn generate_private_key() -> Secret {
    Secret::new(uuid::Uuid::new_v4().to_string())
}

/// Whether `text` has the shape of a public key (8 lower-case letters).
pub fn is_public_key(text: &str) -> bool {
    text.len() == 8 && text.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_atlas_shapes() {
        let public = generate_public_key();
        assert!(is_public_key(&public), "{public}");
        let private = generate_private_key();
        assert_eq!(private.expose().len(), 36);
        assert!(uuid::Uuid::parse_str(private.expose()).is_ok());
    }

    #[test]
    fn ha1_is_md5_of_user_realm_and_password() {
        // echo -n 'abcdefgh:MMS Public API:secret' | md5sum
        let ha1 = Ha1::derive("abcdefgh", "secret");
        let expected = hex::encode(Md5::digest(b"abcdefgh:MMS Public API:secret"));
        assert_eq!(ha1.md5.expose(), expected);
        assert_eq!(ha1.sha256.expose().len(), 64);
    }

    #[test]
    fn the_strongest_role_in_a_project_decides_access() {
        let group = GroupId(ObjectId::generate());
        let other = GroupId(ObjectId::generate());
        let key = ApiKey {
            id: ObjectId::generate(),
            org_id: ObjectId::generate(),
            public_key: "abcdefgh".into(),
            description: String::new(),
            project_roles: vec![(group, ProjectRole::GroupReadOnly), (group, ProjectRole::GroupOwner)],
            revoked: false,
        };
        assert_eq!(key.access_to(&group), Access::Write);
        assert_eq!(key.access_to(&other), Access::None);
    }
}
