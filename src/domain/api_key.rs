//! Atlas-style programmatic API keys: a public key of 8 lower-case letters, a private key in
//! UUID form shown once, and the roles that say what the key may do in which project.

use std::fmt;
use std::str::FromStr;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::domain::access_list::AccessEntry;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::Project;
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
            other => Err(format!("unknown project role {other:?}: expected GROUP_OWNER or GROUP_READ_ONLY")),
        }
    }
}

/// An organization role an API key can hold; it applies to every project of the key's
/// organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgRole {
    /// Reads and changes every project of the organization.
    OrgOwner,
    /// Reads every project of the organization.
    OrgReadOnly,
    /// Belongs to the organization; reaches only projects it has a project role in.
    OrgMember,
    /// May create projects in the organization, and owns those it creates.
    OrgGroupCreator,
    /// Manages the organization's billing (nothing this server keeps).
    OrgBillingAdmin,
    /// Reads the organization's billing (nothing this server keeps).
    OrgBillingReadOnly,
}

impl OrgRole {
    /// Atlas's name for the role.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::OrgOwner => "ORG_OWNER",
            OrgRole::OrgReadOnly => "ORG_READ_ONLY",
            OrgRole::OrgMember => "ORG_MEMBER",
            OrgRole::OrgGroupCreator => "ORG_GROUP_CREATOR",
            OrgRole::OrgBillingAdmin => "ORG_BILLING_ADMIN",
            OrgRole::OrgBillingReadOnly => "ORG_BILLING_READ_ONLY",
        }
    }

    /// Every organization role, in Atlas's order of strength.
    pub const ALL: [OrgRole; 6] = [
        OrgRole::OrgOwner,
        OrgRole::OrgReadOnly,
        OrgRole::OrgGroupCreator,
        OrgRole::OrgBillingAdmin,
        OrgRole::OrgBillingReadOnly,
        OrgRole::OrgMember,
    ];

    fn access(self) -> Access {
        match self {
            OrgRole::OrgOwner => Access::Write,
            OrgRole::OrgReadOnly => Access::Read,
            OrgRole::OrgMember
            | OrgRole::OrgGroupCreator
            | OrgRole::OrgBillingAdmin
            | OrgRole::OrgBillingReadOnly => Access::None,
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgRole {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ORG_OWNER" => Ok(OrgRole::OrgOwner),
            "ORG_READ_ONLY" => Ok(OrgRole::OrgReadOnly),
            "ORG_MEMBER" => Ok(OrgRole::OrgMember),
            "ORG_GROUP_CREATOR" => Ok(OrgRole::OrgGroupCreator),
            "ORG_BILLING_ADMIN" => Ok(OrgRole::OrgBillingAdmin),
            "ORG_BILLING_READ_ONLY" => Ok(OrgRole::OrgBillingReadOnly),
            other => Err(format!(
                "unknown organization role {other:?}: expected ORG_OWNER, ORG_READ_ONLY, \
                 ORG_GROUP_CREATOR, ORG_BILLING_ADMIN, ORG_BILLING_READ_ONLY or ORG_MEMBER"
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
    /// Roles over every project of the key's organization.
    pub org_roles: Vec<OrgRole>,
    /// The projects the key may reach, and how.
    pub project_roles: Vec<(GroupId, ProjectRole)>,
    /// The addresses the key may be used from (empty: any).
    pub access_list: Vec<AccessEntry>,
    /// Whether the key has been revoked (a revoked key authenticates nothing).
    pub revoked: bool,
}

impl ApiKey {
    /// What this key may do in `project`: the strongest of its roles there, counting its
    /// organization roles when the project is in the key's organization.
    pub fn access_to(&self, project: &Project) -> Access {
        let by_project =
            self.project_roles.iter().filter(|(group, _)| *group == project.id).map(|(_, role)| match role {
                ProjectRole::GroupOwner => Access::Write,
                ProjectRole::GroupReadOnly => Access::Read,
            });
        let by_org =
            self.org_roles.iter().filter(|_| project.org_id == self.org_id).map(|role| role.access());
        by_project.chain(by_org).max().unwrap_or(Access::None)
    }

    /// What this key may do in `group` when its project roles alone decide it, so the project
    /// need not be looked up: a project role names a live project (deleting a project deletes
    /// the roles in it, in the same transaction). `None` when an organization role
    /// could add to it, or the key has no role there.
    pub fn access_by_project_role(&self, group: GroupId) -> Option<Access> {
        let by_project = self
            .project_roles
            .iter()
            .filter(|(known, _)| *known == group)
            .map(|(_, role)| match role {
                ProjectRole::GroupOwner => Access::Write,
                ProjectRole::GroupReadOnly => Access::Read,
            })
            .max()?;
        match by_project == Access::Write || !self.sees_whole_organization() {
            true => Some(by_project),
            false => None,
        }
    }

    /// Its roles as Atlas's `CloudAccessRoleAssignment`s: `{orgId, roleName}` for each
    /// organization role, `{groupId, roleName}` for each project role.
    pub fn role_assignments(&self) -> Vec<serde_json::Value> {
        let by_org = self
            .org_roles
            .iter()
            .map(|role| serde_json::json!({"orgId": self.org_id.to_string(), "roleName": role.as_str()}));
        let by_project = self.project_roles.iter().map(
            |(group, role)| serde_json::json!({"groupId": group.to_string(), "roleName": role.as_str()}),
        );
        by_org.chain(by_project).collect()
    }

    /// Whether the key belongs to organization `org` (any organization role).
    pub fn is_member_of(&self, org: ObjectId) -> bool {
        self.org_id == org
    }

    /// Whether the key owns organization `org`.
    pub fn owns_organization(&self, org: ObjectId) -> bool {
        self.org_id == org && self.org_roles.contains(&OrgRole::OrgOwner)
    }

    /// Whether the key may create projects in organization `org`: its owner, or a project
    /// creator there.
    pub fn may_create_projects_in(&self, org: ObjectId) -> bool {
        self.org_id == org
            && self.org_roles.iter().any(|role| matches!(role, OrgRole::OrgOwner | OrgRole::OrgGroupCreator))
    }

    /// Whether the key may see every project of its organization, and so may be told that
    /// a project does not exist (others are told only that they are not authorized).
    pub fn sees_whole_organization(&self) -> bool {
        self.org_roles.iter().any(|role| role.access() > Access::None)
    }
}

/// Checks a key's description (`desc`): 1 to 250 characters of any kind.
pub fn check_key_description(text: &str) -> Result<(), String> {
    match text.chars().count() {
        1..=250 => Ok(()),
        _ => Err("desc must have 1 to 250 characters".to_owned()),
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

    fn project(org_id: ObjectId) -> Project {
        Project { id: GroupId(ObjectId::generate()), org_id, name: "p".into() }
    }

    fn key(org_id: ObjectId, org_roles: Vec<OrgRole>, project_roles: Vec<(GroupId, ProjectRole)>) -> ApiKey {
        ApiKey {
            id: ObjectId::generate(),
            org_id,
            public_key: "abcdefgh".into(),
            description: String::new(),
            org_roles,
            project_roles,
            access_list: vec![],
            revoked: false,
        }
    }

    #[test]
    fn the_strongest_role_in_a_project_decides_access() {
        let org = ObjectId::generate();
        let (mine, other) = (project(org), project(org));
        let key = key(
            org,
            vec![OrgRole::OrgMember],
            vec![(mine.id, ProjectRole::GroupReadOnly), (mine.id, ProjectRole::GroupOwner)],
        );
        assert_eq!(key.access_to(&mine), Access::Write);
        assert_eq!(key.access_to(&other), Access::None);
        assert!(!key.sees_whole_organization());
    }

    #[test]
    fn organization_roles_reach_only_their_own_organization() {
        let org = ObjectId::generate();
        let reader = key(org, vec![OrgRole::OrgReadOnly], vec![]);
        assert_eq!(reader.access_to(&project(org)), Access::Read);
        assert_eq!(reader.access_to(&project(ObjectId::generate())), Access::None);
        let owner = key(org, vec![OrgRole::OrgOwner], vec![]);
        assert_eq!(owner.access_to(&project(org)), Access::Write);
        assert!(owner.sees_whole_organization());
    }

    #[test]
    fn project_roles_decide_alone_unless_an_organization_role_could_add_to_them() {
        let org = ObjectId::generate();
        let (mine, other) = (project(org), project(org));
        let member = key(org, vec![OrgRole::OrgMember], vec![(mine.id, ProjectRole::GroupReadOnly)]);
        assert_eq!(member.access_by_project_role(mine.id), Some(Access::Read));
        assert_eq!(member.access_by_project_role(other.id), None, "no role there: look the project up");
        let reader = key(org, vec![OrgRole::OrgOwner], vec![(mine.id, ProjectRole::GroupReadOnly)]);
        assert_eq!(reader.access_by_project_role(mine.id), None, "ORG_OWNER may give more");
        assert_eq!(reader.access_to(&mine), Access::Write);
        let owner = key(org, vec![OrgRole::OrgReadOnly], vec![(mine.id, ProjectRole::GroupOwner)]);
        assert_eq!(owner.access_by_project_role(mine.id), Some(Access::Write), "nothing is above write");
        for key in [&member, &reader, &owner] {
            if let Some(access) = key.access_by_project_role(mine.id) {
                assert_eq!(access, key.access_to(&mine), "the shortcut agrees with the full rule");
            }
        }
    }
}
